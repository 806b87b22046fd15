/**
 * A real L4 balancer in front of two `polyport serve` processes sharing one data directory:
 * HAProxy on 127.0.0.1 (`balance roundrobin`, `send-proxy-v2`, health checks on each instance's
 * `/readyz`), instance A on 127.0.0.2 and B on 127.0.0.3, clients on 127.0.0.4 and 127.0.0.5.
 * It shows what an operator relies on: the instances see the real client (logs, per-address
 * limits), FTP passive works through the balancer, the instances share one mail store and FTP
 * tree, a killed instance loses nothing it acknowledged and is taken out, and nobody but the
 * balancer can hand an instance a client address.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliProcess, portFromListing, startCli } from '../support/cli.js';
import { type Haproxy, startHaproxy } from '../support/haproxy.js';
import { SERVICE_TABLES, tempDir } from '../support/host.js';
import { needs } from '../support/interop.js';
import { freePort } from '../support/ports.js';
import { fileBytes, mailBody, runPython, spawnPython } from '../support/python-clients.js';

/** The balancer's address: HAProxy listens and connects out from here. */
const BALANCER = '127.0.0.1';
/** The client whose address the instances must see. */
const CLIENT = '127.0.0.4';
/** A second client, and the address a forged PROXY header comes from. */
const OTHER_CLIENT = '127.0.0.5';
/** The TCP services behind the balancer. */
const PROXIED = ['http', 'smtp', 'pop3', 'ftp'] as const;
type Proxied = (typeof PROXIED)[number];
/** Every other service is off (the host's own list, so a new service is off here too). */
const OFF = SERVICE_TABLES.filter(
  (s) => s !== 'admin' && !(PROXIED as readonly string[]).includes(s),
);

type LogRecord = Record<string, unknown>;

/** One try of the kill test's loops: a mail or an upload, acknowledged (250 / 226) or not. */
interface Attempt {
  readonly kind: 'smtp' | 'ftp';
  readonly tag: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** One `polyport serve` process behind the balancer. */
interface Instance {
  readonly name: 'A' | 'B';
  readonly address: string;
  readonly proc: CliProcess;
  readonly ports: Readonly<Record<Proxied | 'admin', number>>;
  /** Its slice of the passive range, `[low, high]`. */
  readonly passive: readonly [number, number];
}

/** The instance's JSON log records so far (its stderr, one object a line). */
function logOf(instance: Instance): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of instance.proc.stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      // a line cut by the kill
    }
  }
  return records;
}

/**
 * Waits until one instance has logged a record that `match` accepts, failing after 10 s.
 * @returns the instance and the record.
 */
async function logged(
  instances: readonly Instance[],
  match: (record: LogRecord) => boolean,
  what: string,
): Promise<{ instance: Instance; record: LogRecord }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const instance of instances) {
      const record = logOf(instance).find(match);
      if (record !== undefined) return { instance, record };
    }
    if (Date.now() > deadline) {
      const logs = instances.map((i) => `${i.name}:\n${i.proc.stderr}`).join('\n');
      throw new Error(`no log record of ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A record of `service` whose peer is `host:port`, with the message `msg`. */
function byPeer(service: string, msg: string, host: string, port: number) {
  return (r: LogRecord): boolean =>
    r.service === service && r.msg === msg && r.peer === `${host}:${port}`;
}

/** Whether `port` can be bound on every one of `hosts` (each probe is closed at once). */
async function bindable(port: number, hosts: readonly string[]): Promise<boolean> {
  for (const host of hosts) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
    await new Promise<void>((resolve) => (ok ? server.close(() => resolve()) : resolve()));
    if (!ok) return false;
  }
  return true;
}

/**
 * The first port of `count` consecutive ports that were free a moment ago on every one of
 * `hosts`, below the usual ephemeral range so outgoing connections do not take them meanwhile.
 */
async function freePortRange(count: number, hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let free = true;
    for (let port = base; port < base + count && free; port++) {
      free = await bindable(port, hosts);
    }
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** The TOML of one instance: every proxied service and the admin listener on `address`. */
function instanceToml(
  address: string,
  dataDir: string,
  passive: readonly [number, number],
): string {
  const lines = [`dataDir = ${JSON.stringify(dataDir)}`];
  for (const service of PROXIED) {
    lines.push(
      `[${service}]`,
      `address = "${address}"`,
      'port = 0',
      'proxyProtocol = true',
      `proxyProtocolFrom = ["${BALANCER}"]`,
    );
    if (service === 'ftp') {
      lines.push(`passivePorts = "${passive[0]}-${passive[1]}"`, `passiveAddress = "${BALANCER}"`);
    }
    if (service === 'http') lines.push('[http.limits]', 'maxConnectionsPerAddress = 1');
  }
  lines.push('[admin]', `address = "${address}"`, 'port = 0');
  for (const service of OFF) lines.push(`[${service}]`, 'enabled = false');
  return `${lines.join('\n')}\n`;
}

/** Starts one instance (adding its process to `started`) and reads its ports from the listing. */
async function startInstance(
  name: 'A' | 'B',
  address: string,
  dir: string,
  dataDir: string,
  passive: readonly [number, number],
  started: CliProcess[],
): Promise<Instance> {
  const file = join(dir, `${name}.toml`);
  writeFileSync(file, instanceToml(address, dataDir, passive));
  const proc = startCli(['serve', '--config', file, '--log-format', 'json'], { cwd: dir });
  started.push(proc); // killed in after() even if it never gets ready
  await proc.waitFor(/Press Ctrl-C to stop\./, 60);
  const port = (service: string): number => portFromListing(proc.stdout, service);
  const ports = {
    http: port('http'),
    smtp: port('smtp'),
    pop3: port('pop3'),
    ftp: port('ftp'),
    admin: port('admin'),
  };
  return { name, address, proc, ports, passive };
}

/**
 * The HAProxy config: per service a frontend on the balancer, round-robin over both instances
 * with a PROXY v2 header, health-checked on each instance's admin `/readyz`; per passive slice
 * a plain frontend forwarding each port to the same port of the instance that owns the slice
 * (the passive listeners take no PROXY header: the instance accepts the data connection from
 * the balancer that carried the control connection).
 */
function haproxyConfig(
  fronts: Readonly<Record<Proxied, number>>,
  instances: readonly Instance[],
): string {
  const out = [
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout check 2s',
    // A connection refused by a dead instance goes to the other one on the last retry.
    '  retries 2',
    '  option redispatch',
  ];
  for (const service of PROXIED) {
    out.push(
      `frontend ${service}`,
      `  bind ${BALANCER}:${fronts[service]}`,
      `  default_backend ${service}`,
      `backend ${service}`,
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      `  source ${BALANCER}`,
    );
    for (const i of instances) {
      out.push(
        `  server ${i.name} ${i.address}:${i.ports[service]} send-proxy-v2` +
          ` check port ${i.ports.admin} inter 300ms fall 2 rise 1`,
      );
    }
  }
  for (const i of instances) {
    out.push(
      `frontend ftpdata_${i.name}`,
      `  bind ${BALANCER}:${i.passive[0]}-${i.passive[1]}`,
      `  default_backend ftpdata_${i.name}`,
      `backend ftpdata_${i.name}`,
      `  source ${BALANCER}`,
      // No port: each connection goes to the port it arrived on.
      `  server ${i.name} ${i.address}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** Runs curl with a 20 s bound and returns its stdout. */
function curl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'curl',
      ['-sS', '--max-time', '20', ...args],
      { timeout: 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
    ),
  );
}

/** Every message in the demo Maildir (new and cur), as text. */
function maildir(dataDir: string): string[] {
  const texts: string[] = [];
  for (const sub of ['new', 'cur']) {
    const dir = join(dataDir, 'mail', 'demo', sub);
    for (const name of readdirSync(dir)) texts.push(readFileSync(join(dir, name), 'latin1'));
  }
  return texts;
}

/** Opens a TCP connection from the local address `from` to `host:port`. */
function openFrom(from: string, host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port, localAddress: from }, () => resolve(sock));
    sock.setTimeout(20_000, () => sock.destroy(new Error('timed out')));
    sock.once('error', reject);
  });
}

/** Everything `sock` receives until the peer closes (or 20 s pass). */
function readToEnd(sock: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', () => {});
    sock.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

describe(
  'HAProxy balancing two polyport serve processes',
  needs('haproxy', 'curl', 'python3'),
  () => {
    let dir = '';
    let dataDir = '';
    let a: Instance;
    const instances: Instance[] = [];
    const started: CliProcess[] = [];
    let haproxy: Haproxy | null = null;
    const front = { http: 0, smtp: 0, pop3: 0, ftp: 0 };

    /** Sends a mail tagged `tag` with smtplib through the balancer; returns the client's port. */
    const sendMail = async (tag: string): Promise<number> => {
      const [sent] = await runPython('out(local=smtp_send(*ARGS))', [
        CLIENT,
        BALANCER,
        front.smtp,
        tag,
      ]);
      return Number(sent?.local);
    };

    /** GETs `/` through the balancer with curl from `from`: the status, and curl's port. */
    const httpGet = async (from: string): Promise<{ status: string; local: number }> => {
      const url = `http://${BALANCER}:${front.http}/`;
      const out = await curl([
        '--interface',
        from,
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{local_port}',
        url,
      ]);
      const [status = '', local = ''] = out.split(' ');
      return { status, local: Number(local) };
    };

    /** The instance that logged a `msg` record of `service` from `host:port`. */
    const servedBy = async (service: Proxied, msg: string, host: string, port: number) =>
      logged(instances, byPeer(service, msg, host, port), `${service} ${msg} from ${host}:${port}`);

    before(async () => {
      dir = tempDir('polyport-balancer-');
      dataDir = join(dir, 'data');
      const base = await freePortRange(10, [BALANCER, '127.0.0.2', '127.0.0.3']);
      // One after the other: the first makes the sample content, the second finds it there.
      a = await startInstance('A', '127.0.0.2', dir, dataDir, [base, base + 4], started);
      instances.push(a);
      instances.push(
        await startInstance('B', '127.0.0.3', dir, dataDir, [base + 5, base + 9], started),
      );
      for (const service of PROXIED) front[service] = await freePort();
      haproxy = await startHaproxy(dir, haproxyConfig(front, instances), Object.values(front));
      // The first checks may not have run yet: wait until every server is UP.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rows = (await haproxy.stat()).filter((r) => r.server === 'A' || r.server === 'B');
        if (rows.filter((r) => r.status === 'UP').length === PROXIED.length * 2) break;
        if (Date.now() > deadline) throw new Error(`servers not UP: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    after(async () => {
      await haproxy?.stop();
      for (const proc of started) {
        proc.child.kill('SIGKILL');
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('HTTP, SMTP and POP3 through the balancer log the client 127.0.0.4 on both instances', async () => {
      const seen: Record<string, Set<string>> = {
        http: new Set(),
        smtp: new Set(),
        pop3: new Set(),
      };
      for (let n = 0; n < 2; n++) {
        const { status, local } = await httpGet(CLIENT);
        assert.equal(status, '200');
        const http = await servedBy('http', 'request', CLIENT, local);
        assert.match(String(http.record.line), /^127\.0\.0\.4 - - /, 'the access log line');
        seen.http?.add(http.instance.name);

        const smtp = await servedBy('smtp', 'message', CLIENT, await sendMail(`peer-${n}`));
        seen.smtp?.add(smtp.instance.name);
        const stored = (smtp.record.stored as Array<{ path: string }>)[0]?.path ?? '';
        // Python's smtplib says EHLO with the balancer's address: only the PROXY header knew .4.
        assert.match(
          readFileSync(stored, 'latin1'),
          /^Received: from .* \(unknown \[127\.0\.0\.4\]\)/m,
        );

        const [popped] = await runPython(
          `p = POP3From(ARGS[0], ARGS[1], ARGS[2], timeout=10)
local = p.sock.getsockname()[1]
p.user('demo'); p.pass_('demo'); p.stat(); p.quit()
out(local=local)`,
          [CLIENT, BALANCER, front.pop3],
        );
        const pop3 = await servedBy('pop3', 'login', CLIENT, Number(popped?.local));
        seen.pop3?.add(pop3.instance.name);
      }
      // Round robin: two connections in a row reach both instances, and both saw the client.
      for (const [service, names] of Object.entries(seen)) {
        assert.deepEqual([...names].sort(), ['A', 'B'], `${service} served by both instances`);
      }
    });

    test('a second connection from 127.0.0.4 is over maxConnectionsPerAddress = 1 while 127.0.0.5 is served', async () => {
      // Hold one keep-alive connection from the client on each instance.
      const held: Socket[] = [];
      const holders = new Set<string>();
      try {
        for (let n = 0; n < 6 && holders.size < 2; n++) {
          const sock = await openFrom(CLIENT, BALANCER, front.http);
          held.push(sock);
          const head = await new Promise<string>((resolve) => {
            let text = '';
            sock.on('data', (d: Buffer) => {
              text += d.toString('latin1');
              if (text.includes('\r\n\r\n')) resolve(text);
            });
            sock.once('close', () => resolve(text));
            sock.write(`GET / HTTP/1.1\r\nHost: balancer.test\r\n\r\n`);
          });
          if (!head.startsWith('HTTP/1.1 200')) continue; // its instance holds one already
          const local = sock.localPort ?? 0;
          holders.add((await servedBy('http', 'request', CLIENT, local)).instance.name);
        }
        assert.equal(holders.size, 2, 'both instances hold a connection from 127.0.0.4');

        for (let n = 0; n < 2; n++) {
          const { status, local } = await httpGet(CLIENT);
          assert.equal(status, '503', 'a second connection from 127.0.0.4');
          const refused = await servedBy('http', 'connection refused', CLIENT, local);
          assert.match(String(refused.record.reason), /too many connections from 127\.0\.0\.4/);
        }
        const other = await httpGet(OTHER_CLIENT);
        assert.equal(other.status, '200', 'a first connection from 127.0.0.5');
      } finally {
        for (const sock of held) sock.destroy();
      }
    });

    test('FTP passive through the balancer: each instance announces the balancer and a port of its own slice', async (t) => {
      // curl: one control connection per command, so round robin spreads them over both.
      const content = fileBytes('curl-upload', 300_000);
      writeFileSync(join(dir, 'curl-upload.bin'), content);
      const url = `ftp://demo:demo@${BALANCER}:${front.ftp}/upload/`;
      const curlFtp = [
        '--interface',
        CLIENT,
        '--ftp-pasv',
        '--disable-epsv',
        '--no-ftp-skip-pasv-ip',
      ];
      const uploaded = await curl([
        ...curlFtp,
        '-w',
        '%{local_port}',
        '-T',
        join(dir, 'curl-upload.bin'),
        `${url}curl.bin`,
      ]);
      const fetched = join(dir, 'curl-download.bin');
      const downloaded = await curl([
        ...curlFtp,
        '-w',
        '%{local_port}',
        '-o',
        fetched,
        `${url}curl.bin`,
      ]);
      assert.deepEqual(readFileSync(fetched), content, 'the download equals the upload');
      const listing = await curl([...curlFtp, '-l', `${url}`]);
      assert.match(listing, /^curl\.bin\r?$/m);
      const stor = await servedBy('ftp', 'transfer', CLIENT, Number(uploaded));
      const retr = await servedBy('ftp', 'transfer', CLIENT, Number(downloaded));
      assert.equal(stor.record.command, 'STOR');
      assert.equal(retr.record.command, 'RETR');
      assert.notEqual(
        stor.instance.name,
        retr.instance.name,
        'uploaded on one, downloaded on the other',
      );
      t.diagnostic(`curl: STOR by ${stor.instance.name}, RETR by ${retr.instance.name}`);

      // ftplib: list, upload and download in one session, twice, checking every 227 reply.
      const served = new Set<string>();
      for (let n = 0; n < 2; n++) {
        const tag = `ftplib-${n}`;
        const [result] = await runPython(
          `f = FTPFrom(ARGS[0])
f.connect(ARGS[1], ARGS[2])
local = f.sock.getsockname()[1]
f.login('demo', 'demo')
stor = f.storbinary('STOR /upload/%s.bin' % ARGS[3], io.BytesIO(file_bytes(ARGS[3], 200000)))
names = f.nlst('/upload')
got = io.BytesIO()
retr = f.retrbinary('RETR /upload/%s.bin' % ARGS[3], got.write)
f.quit()
out(local=local, stor=stor, retr=retr, names=names, same=got.getvalue() == file_bytes(ARGS[3], 200000), pasv=f.pasv)`,
          [CLIENT, BALANCER, front.ftp, tag],
        );
        assert.ok(result);
        assert.match(String(result.stor), /^226/);
        assert.match(String(result.retr), /^226/);
        assert.ok((result.names as string[]).some((name) => name.endsWith(`${tag}.bin`)));
        assert.equal(result.same, true, 'the download equals the upload');
        const login = await servedBy('ftp', 'FTP login', CLIENT, Number(result.local));
        const [low, high] = login.instance.passive;
        const pasv = result.pasv as Array<[string, number]>;
        assert.equal(pasv.length, 3);
        for (const [host, port] of pasv) {
          assert.equal(host, BALANCER, 'the 227 reply names the balancer');
          assert.ok(
            port >= low && port <= high,
            `${port} in ${login.instance.name}'s slice ${low}-${high}`,
          );
        }
        served.add(login.instance.name);
      }
      assert.deepEqual([...served].sort(), ['A', 'B']);
    });

    test('a mail accepted by one instance is fetched through the other (one shared Maildir)', async (t) => {
      const tag = `shared-${Date.now()}`;
      const accepted = await servedBy('smtp', 'message', CLIENT, await sendMail(tag));
      // Round robin: within two sessions one lands on the other instance.
      for (let n = 0; n < 2; n++) {
        const [fetched] = await runPython(
          `p = POP3From(ARGS[0], ARGS[1], ARGS[2], timeout=10)
local = p.sock.getsockname()[1]
p.user('demo'); p.pass_('demo')
text = None
for entry in p.list()[1]:
    lines = p.retr(int(entry.split()[0]))[1]
    if ('X-Tag: ' + ARGS[3]).encode() in lines:
        text = b'\\r\\n'.join(lines).decode('latin1')
p.quit()
out(local=local, text=text)`,
          [CLIENT, BALANCER, front.pop3, tag],
        );
        const login = await servedBy('pop3', 'login', CLIENT, Number(fetched?.local));
        if (login.instance.name === accepted.instance.name) continue;
        const text = String(fetched?.text);
        assert.ok(text.endsWith(mailBody(tag).slice(0, -2)), 'the whole message, as sent');
        t.diagnostic(
          `SMTP accepted ${tag} on ${accepted.instance.name}; POP3 on ${login.instance.name} fetched it`,
        );
        return;
      }
      assert.fail('no POP3 session reached the instance that did not accept the mail');
    });

    test('a PROXY header straight to an instance from 127.0.0.5 is refused unanswered and logged', async () => {
      const sock = await openFrom(OTHER_CLIENT, a.address, a.ports.http);
      const answer = readToEnd(sock);
      const local = sock.localPort ?? 0;
      sock.write(
        `PROXY TCP4 1.2.3.4 ${a.address} 5555 ${a.ports.http}\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n`,
      );
      assert.equal((await answer).length, 0, 'closed without an HTTP answer');
      const refused = await logged(
        [a],
        byPeer('http', 'connection refused', OTHER_CLIENT, local),
        'the refusal',
      );
      assert.match(String(refused.record.reason), /not in proxyProtocolFrom/);
      assert.ok(!a.proc.stderr.includes('1.2.3.4'), 'the forged address is never taken');
    });

    test('SIGKILL of one instance mid-traffic loses no acknowledged mail or upload, and HAProxy takes it out', async (t) => {
      const steps = 12;
      const size = 256 * 1024;
      // Each loop alternates a mail and an upload, retrying a failed one under a new tag until
      // `steps` of each got their 250 / 226. Two loops at once: more is in flight at the kill.
      const loop = (name: string) => {
        const script = `
def attempt_until_ok(kind, step):
    for attempt in range(10):
        tag = 'kill-%s-%s-%d-%d' % (kind, ARGS[0], step, attempt)
        try:
            if kind == 'smtp':
                local = smtp_send(ARGS[1], ARGS[2], ARGS[3], tag)
            else:
                local, reply, pasv = ftp_upload(ARGS[1], ARGS[2], ARGS[4], tag, ARGS[6])
                if not reply.startswith('226'):
                    raise Exception(reply)
            out(kind=kind, tag=tag, ok=True, local=local)
            return
        except Exception as e:
            out(kind=kind, tag=tag, ok=False, error=repr(e))
            time.sleep(0.2)
    sys.exit(3)
for step in range(ARGS[5]):
    attempt_until_ok('smtp', step)
    attempt_until_ok('ftp', step)
`;
        return spawnPython(script, [name, CLIENT, BALANCER, front.smtp, front.ftp, steps, size]);
      };
      const loops = [loop('p0'), loop('p1')];
      const all = () => loops.flatMap((l) => l.records as unknown as Attempt[]);
      const okCount = (kind: string) => all().filter((r) => r.kind === kind && r.ok).length;
      let atKill = 0;
      try {
        const deadline = Date.now() + 60_000;
        while (okCount('ftp') < 4) {
          if (Date.now() > deadline) throw new Error('the loops did not get going');
          await new Promise((r) => setTimeout(r, 10));
        }
        a.proc.child.kill('SIGKILL');
        await a.proc.exited;
        atKill = all().length;
        t.diagnostic(`A killed after ${okCount('smtp')} mails and ${okCount('ftp')} uploads`);
        for (const l of loops) assert.equal(await l.exited, 0, `a loop: ${l.stderr()}`);
      } finally {
        for (const l of loops) l.child.kill('SIGKILL');
      }
      assert.ok(all().length > atKill + 4, 'the traffic went on after the kill');
      const smtp = all().filter((r) => r.kind === 'smtp');
      const ftp = all().filter((r) => r.kind === 'ftp');
      const failed = all().filter((r) => !r.ok);
      t.diagnostic(
        `failed attempts (retried): ${failed.map((r) => `${r.tag} ${r.error}`).join('; ') || 'none'}`,
      );

      // Mail: every 250 is in the Maildir exactly once and whole; an unacknowledged attempt may
      // have landed (its 250 lost with the instance), but then whole and once too.
      const stored = new Map<string, string[]>();
      for (const text of maildir(dataDir)) {
        const tag = /^X-Tag: (kill-smtp-\S+)\r$/m.exec(text)?.[1];
        if (tag !== undefined) stored.set(tag, [...(stored.get(tag) ?? []), text]);
      }
      for (const r of smtp) {
        const copies = stored.get(r.tag) ?? [];
        if (r.ok) assert.equal(copies.length, 1, `${r.tag} got 250: stored once`);
        else assert.ok(copies.length <= 1, `${r.tag}: at most once`);
        for (const text of copies) {
          assert.equal(
            text.slice(text.indexOf('\r\n\r\n') + 4),
            mailBody(r.tag),
            `${r.tag} is whole`,
          );
        }
      }
      assert.equal(smtp.filter((r) => r.ok).length, 2 * steps);
      // Uploads: every 226 is on disk, byte for byte; a cut one never stands under its name.
      for (const r of ftp) {
        const path = join(dataDir, 'ftp', 'upload', `${r.tag}.bin`);
        let bytes: Buffer | null = null;
        try {
          bytes = readFileSync(path);
        } catch {
          assert.equal(r.ok, false, `${r.tag} got 226 but is not on disk`);
        }
        if (bytes !== null) assert.ok(bytes.equals(fileBytes(r.tag, size)), `${r.tag} is whole`);
      }
      assert.equal(ftp.filter((r) => r.ok).length, 2 * steps);

      // HAProxy's checks of A's /readyz fail: A is DOWN in every backend.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rows = (await haproxy?.stat()) ?? [];
        const downs = rows.filter((r) => r.server === 'A' && r.status.startsWith('DOWN'));
        if (downs.length === PROXIED.length) break;
        if (Date.now() > deadline)
          throw new Error(`A not DOWN everywhere: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // From now on every new connection succeeds at once, served by B.
      for (let n = 0; n < 4; n++) {
        const accepted = await servedBy(
          'smtp',
          'message',
          CLIENT,
          await sendMail(`after-kill-${n}`),
        );
        assert.equal(accepted.instance.name, 'B');
      }
    });
  },
);
