/**
 * What `polyport http` does once its command line is read (cli.ts): sends the request with the
 * HTTP client and writes the response body to stdout or a file, with a progress bar for large
 * downloads. A file of its own so that cli.ts answers `--help` and a bad command line without
 * loading the client, TLS and the socket layer.
 */
import { releaseReceived } from '../../socket/index.js';
// Single files, not the barrel: it also holds password hashing, which loads node:crypto (some
// 6 ms of start-up on Node 20) for nothing here.
import { type CliIO, type CliOutput, EXIT } from '../common/cli-command.js';
import { clientTlsContext, tlsHint } from '../common/client-tls.js';
import { FileSink } from '../common/file-sink.js';
import { progressBar } from '../common/progress-bar.js';
import type { HttpCommandLine } from './cli.js';
import { FileBody } from './client/file-body.js';
import type { ClientBody } from './client/http-client.js';
import { request } from './client/http-client.js';

/** Downloads from this size up (or of unknown size) get a progress bar on a terminal. */
const PROGRESS_FROM = 1024 * 1024;

/**
 * Sends the request `parsed` asks for and writes out the response, until it ends or the user
 * interrupts; a failure is reported on stderr in one line.
 * @param parsed the parsed command line (not a `--help` one).
 * @param io the command's streams.
 * @returns {@link EXIT.OK} for a 2xx or 3xx response, else {@link EXIT.FAILURE}.
 * @example return httpTransfer(parsed, io);
 */
export async function httpTransfer(parsed: HttpCommandLine, io: CliIO): Promise<number> {
  let interrupted = false;
  const stop = io.interrupted.then(() => {
    interrupted = true;
  });
  try {
    const work = transfer(parsed, io);
    const code = await Promise.race([work, stop.then(() => EXIT.FAILURE)]);
    if (interrupted) io.stderr.write('polyport http: interrupted\n');
    return code;
  } catch (err) {
    io.stderr.write(`polyport http: ${(err as Error).message}${tlsHint(err)}\n`);
    return EXIT.FAILURE;
  }
}

async function transfer(parsed: HttpCommandLine, io: CliIO): Promise<number> {
  const headers = [...parsed.headers];
  let body: ClientBody | undefined;
  const data = parsed.data;
  if (data === '-' || data === '@-') body = io.stdin;
  else if (data?.startsWith('@')) {
    const file = data.slice(1);
    try {
      body = new FileBody(file);
    } catch (err) {
      throw new Error(`--data @${file}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
    }
  } else if (data !== undefined) body = data;
  else if (parsed.method === 'POST' || parsed.method === 'PUT' || parsed.method === 'PATCH') {
    body = ''; // as curl -X POST: an empty body, Content-Length: 0
  }
  const typed = headers.some(([name]) => name.toLowerCase() === 'content-type');
  if (data !== undefined && parsed.method === 'POST' && !typed) {
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  const response = await request({
    url: parsed.url,
    method: parsed.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    insecure: parsed.insecure,
    ...(parsed.cafile !== undefined ? { tls: clientTlsContext({ cafile: parsed.cafile }) } : {}),
    timeout: parsed.timeout,
    maxRedirects: parsed.location ? 10 : 0,
  });
  if (parsed.include) {
    let head = `HTTP/${response.version} ${response.status} ${response.reason}\n`;
    for (const [name, value] of response.headers) head += `${name}: ${value}\n`;
    io.stdout.write(`${head}\n`);
  }
  const total = Number(response.headers.get('content-length') ?? Number.NaN);
  const progress =
    total < PROGRESS_FROM
      ? null
      : progressBar(io, total, {
          bytes: true,
          label: downloadName(parsed.url),
          noProgress: parsed.noProgress,
        });
  // The body's chunks are views of recv()'s, held by nothing but the sink once it has them.
  const sink =
    parsed.output === undefined ? null : FileSink.open(parsed.output, { release: releaseReceived });
  let received = 0;
  try {
    for (let chunk = await response.read(); chunk !== null; chunk = await response.read()) {
      received += chunk.length;
      progress?.update(received);
      if (sink !== null) sink.write(chunk);
      else {
        const wait = writeOut(io.stdout, chunk);
        if (wait !== undefined) await wait;
      }
    }
    sink?.close();
  } finally {
    progress?.finish();
    sink?.abandon();
  }
  return response.status >= 200 && response.status < 400 ? EXIT.OK : EXIT.FAILURE;
}

/** Writes to a stream that stays open (stdout); returns a promise when it asks to wait. */
function writeOut(out: CliOutput, chunk: Buffer): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve) => out.once('drain', () => resolve()));
}

/** The name a progress bar shows for `url`: its last path segment, or its host. */
function downloadName(url: string): string {
  try {
    const { pathname, host } = new URL(url);
    return decodeURIComponent(pathname.split('/').filter(Boolean).pop() ?? '') || host;
  } catch {
    return '';
  }
}
