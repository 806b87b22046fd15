/**
 * `polyport http`: the HTTP client on the command line — GET, HEAD, POST, PUT, DELETE with
 * curl's `--data`, `-X` and `-o -`, and a progress bar for large downloads when stderr is a
 * terminal.
 */
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { releaseReceived } from '../../socket/index.js';
import { FileSink } from '../common/file-sink.js';
import {
  type CliCommand,
  type CliIO,
  clientTlsContext,
  EXIT,
  progressBar,
  tlsHint,
  usageError,
} from '../common/index.js';
import { FileBody } from './client/file-body.js';
import type { ClientBody } from './client/http-client.js';
import { request } from './client/http-client.js';

const HELP = `Usage: polyport http [METHOD] URL [options]

Sends one HTTP/1.1 request and prints the response body (or writes it to a file). METHOD
(or -X METHOD) is GET (the default), HEAD, POST (the default with --data), PUT, PATCH, DELETE
or OPTIONS.

  polyport http http://127.0.0.1:10080/                   GET, body to stdout
  polyport http HEAD http://127.0.0.1:10080/big.bin -i    the status line and fields only
  polyport http GET https://localhost:10443/ -k -o page   skip certificate checks, save to 'page'
  polyport http http://127.0.0.1:8080/form -d 'name=demo'            POST a literal body
  polyport http -X PUT http://127.0.0.1:8080/up/a.txt -d @a.txt      upload a file
  echo hi | polyport http PUT http://127.0.0.1:8080/up/b.txt -d @-   the body from stdin
  polyport http -X DELETE http://127.0.0.1:8080/up/a.txt

Options:
  -X, --request METHOD   the method (as a first argument METHOD does)
  -o, --output FILE      write the body to FILE instead of stdout ('-': stdout)
  -d, --data TEXT        the request body, as curl: TEXT as it is, @FILE a file's bytes (sent
                         with Content-Length), @- (or -) stdin (chunked); bytes are sent
                         unchanged (curl's --data-binary). A POST body without a Content-Type
                         field is sent as application/x-www-form-urlencoded, as curl does
  -H, --header 'K: V'    add a header field (repeatable)
  -k, --insecure         do not verify the server's TLS certificate
      --cafile FILE      trust the CA certificates in FILE (PEM) for https
  -i, --include          print the status line and header fields before the body
  -L, --location         follow redirects (at most 10)
      --no-progress      draw no progress bar
  -t, --timeout SECS     give up when connecting or a read stalls this long (default 30)
  -h, --help             show this help

A progress bar (size, rate, time left) is drawn on stderr for downloads over 1 MiB (or of
unknown size) when stderr is a terminal; --no-progress turns it off.
Exit status: 0 for a 2xx or 3xx response, 1 for any other status or a failure, 2 for bad usage.
`;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const PROGRESS_FROM = 1024 * 1024;

/**
 * `polyport http`: registered by `src/cli/`.
 *
 * @example const code = await httpCommand.run(['GET', 'http://127.0.0.1:10080/'], io);
 */
export const httpCommand: CliCommand = {
  name: 'http',
  summary: 'send an HTTP request (GET, POST, PUT, DELETE, ...) and print the response',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: Parsed;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'http', err, HELP);
    }
    if (parsed.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
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
  },
};

interface Parsed {
  readonly help: boolean;
  readonly method: string;
  readonly url: string;
  readonly output: string | undefined;
  readonly data: string | undefined;
  readonly headers: Array<[string, string]>;
  readonly insecure: boolean;
  readonly cafile: string | undefined;
  readonly include: boolean;
  readonly location: boolean;
  readonly noProgress: boolean;
  readonly timeout: number;
}

function parse(argv: readonly string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      output: { type: 'string', short: 'o' },
      request: { type: 'string', short: 'X' },
      data: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      insecure: { type: 'boolean', short: 'k' },
      cafile: { type: 'string' },
      include: { type: 'boolean', short: 'i' },
      location: { type: 'boolean', short: 'L' },
      'no-progress': { type: 'boolean' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const base = {
    output: values.output === '-' ? undefined : values.output,
    data: values.data,
    insecure: values.insecure === true,
    cafile: values.cafile,
    include: values.include === true,
    location: values.location === true,
    noProgress: values['no-progress'] === true,
  };
  if (values.help === true) {
    return { ...base, help: true, method: 'GET', url: '', headers: [], timeout: 30 };
  }
  const rest = [...positionals];
  const named = rest.length === 2 ? rest.shift()!.toUpperCase() : undefined;
  if (rest.length !== 1) throw new Error('give [METHOD] URL');
  const given = values.request?.toUpperCase();
  if (named !== undefined && given !== undefined && named !== given) {
    throw new Error(`two methods given: ${named} and -X ${given}`);
  }
  const method = named ?? given ?? (values.data === undefined ? 'GET' : 'POST');
  if (!METHODS.has(method)) {
    throw new Error(`method must be one of ${[...METHODS].join(', ')}, got '${method}'`);
  }
  const url = rest[0]!;
  if (!/^https?:\/\//i.test(url))
    throw new Error(`URL must start with http:// or https://: ${url}`);
  if ((method === 'GET' || method === 'HEAD') && values.data !== undefined) {
    throw new Error(`--data needs a method that takes a body (POST, PUT, ...), not ${method}`);
  }
  const headers: Array<[string, string]> = [];
  for (const line of values.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`--header must be 'Name: value', got '${line}'`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!(timeout > 0))
    throw new Error(`--timeout must be a positive number, got '${values.timeout}'`);
  return { ...base, help: false, method, url, headers, timeout };
}

async function transfer(parsed: Parsed, io: CliIO): Promise<number> {
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
function writeOut(out: Writable, chunk: Buffer): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve) => out.once('drain', resolve));
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
