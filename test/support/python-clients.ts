/**
 * Python's own SMTP, POP3 and FTP clients (`smtplib`, `poplib`, `ftplib`) connecting from a
 * chosen source address, for interop tests where the client's address is what is checked (a
 * load balancer must hand it on). A test writes a few lines of Python after a prelude of
 * helpers; the script prints one JSON object a line, which comes back parsed. The messages and
 * files the helpers send are made the same way on both sides ({@link mailBody},
 * {@link fileBytes}), so the test can check what landed byte for byte.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';

/** One JSON object a script printed with `out(...)`. */
export type PythonRecord = Record<string, unknown>;

/**
 * The helpers every script can use: `ARGS` (the JSON arguments), `out(**kw)` (print a record),
 * `mail_body(tag)`, `file_bytes(tag, size)`, `smtp_send(src, host, port, tag)` (returns the
 * local port once the 250 after DATA came), `POP3From(src, host, port, timeout=…)`,
 * `FTPFrom(src)` (uses the address a 227 reply names and keeps each in `.pasv`), and
 * `ftp_upload(src, host, port, tag, size)` (returns the local port, the final reply and the
 * 227 replies). Every client logs in as the sample user `demo`.
 */
const PRELUDE = `
import ftplib, io, json, poplib, smtplib, socket, sys, time
ARGS = json.loads(sys.argv[1])
def out(**kw):
    print(json.dumps(kw), flush=True)
def mail_body(tag):
    return ''.join('%s line %03d %s\\r\\n' % (tag, k, 'x' * 60) for k in range(120))
def file_bytes(tag, size):
    return ''.join('%s %08d\\n' % (tag, k) for k in range(size // 10 + 1)).encode()[:size]
def smtp_send(src, host, port, tag):
    s = smtplib.SMTP(host, port, source_address=(src, 0), timeout=10)
    local = s.sock.getsockname()[1]
    try:
        s.sendmail('sender@example.test', ['demo@example.test'],
                   'Subject: %s\\r\\nX-Tag: %s\\r\\n\\r\\n%s' % (tag, tag, mail_body(tag)))
    finally:
        try:
            s.quit()
        except Exception:
            pass
    return local
class POP3From(poplib.POP3):
    # poplib takes no source address: the socket is made here, bound first.
    def __init__(self, src, *args, **kw):
        self.src = src
        super().__init__(*args, **kw)
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(self.src, 0))
class FTPFrom(ftplib.FTP):
    # The address the 227 reply names is used (ftplib would use the control connection's), so
    # a wrong passiveAddress fails the transfer.
    trust_server_pasv_ipv4_address = True
    def __init__(self, src):
        super().__init__(source_address=(src, 0), timeout=10)
        self.pasv = []
    def makepasv(self):
        host, port = super().makepasv()
        self.pasv.append([host, port])
        return host, port
def ftp_upload(src, host, port, tag, size):
    f = FTPFrom(src)
    f.connect(host, port)
    local = f.sock.getsockname()[1]
    try:
        f.login('demo', 'demo')
        reply = f.storbinary('STOR /upload/%s.bin' % tag, io.BytesIO(file_bytes(tag, size)))
    finally:
        try:
            f.quit()
        except Exception:
            f.close()
    return local, reply, f.pasv
`;

function parseLines(text: string): PythonRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PythonRecord);
}

/**
 * Runs `script` (after the prelude) with `args` as `ARGS`, killed after 60 s.
 * @returns the records it printed.
 * @throws {Error} with Python's stderr when the script fails.
 * @example
 * const [sent] = await runPython('out(local=smtp_send(*ARGS))', ['127.0.0.4', '127.0.0.1', port, 'tag']);
 */
export function runPython(script: string, args: unknown): Promise<PythonRecord[]> {
  return new Promise((resolve, reject) =>
    execFile(
      'python3',
      ['-c', PRELUDE + script, JSON.stringify(args)],
      { timeout: 60_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`python3: ${stderr || err.message}`)) : resolve(parseLines(stdout)),
    ),
  );
}

/** A script running in the background, and what it printed so far. */
export interface PythonRun {
  readonly child: ChildProcess;
  /** The records printed so far, in order; grows while the script runs. */
  readonly records: PythonRecord[];
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** What the script wrote to stderr so far. */
  readonly stderr: () => string;
}

/**
 * Starts `script` (after the prelude) with `args` as `ARGS` in the background, killed after
 * 120 s: for traffic that goes on while the test does something else.
 * @example
 * const run = spawnPython('for i in range(9): out(local=smtp_send(*ARGS))', [src, host, port, 't']);
 * // … run.records.length …
 * assert.equal(await run.exited, 0);
 */
export function spawnPython(script: string, args: unknown): PythonRun {
  const child = spawn('python3', ['-c', PRELUDE + script, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  const records: PythonRecord[] = [];
  let rest = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    records.push(...parseLines(lines.join('\n')));
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, records, exited, stderr: () => stderr };
}

/**
 * The body `smtp_send` sends for `tag` (after its `Subject` and `X-Tag` headers): numbered
 * CRLF lines, so a cut or reordered message differs.
 */
export function mailBody(tag: string): string {
  let text = '';
  for (let k = 0; k < 120; k++) {
    text += `${tag} line ${String(k).padStart(3, '0')} ${'x'.repeat(60)}\r\n`;
  }
  return text;
}

/** The `size` bytes `file_bytes(tag, size)` makes: numbered lines, so a cut or reordered file differs. */
export function fileBytes(tag: string, size: number): Buffer {
  let text = '';
  for (let k = 0; k < Math.floor(size / 10) + 1; k++) {
    text += `${tag} ${String(k).padStart(8, '0')}\n`;
  }
  return Buffer.from(text).subarray(0, size);
}
