/**
 * `polyport http`: the HTTP client on the command line — GET, HEAD, POST, PUT, DELETE with
 * curl's `--data`, `-X` and `-o -`, and a progress bar for large downloads when stderr is a
 * terminal.
 */
import { parseArgs } from 'node:util';
// A single file, not the barrel: that loads the socket layer, which --help does not need.
import { type CliCommand, type CliIO, EXIT, usageError } from '../common/cli-command.js';

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
    let parsed: HttpCommandLine;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'http', err, HELP);
    }
    if (parsed.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    // The client, TLS and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { httpTransfer } = await import('./http-transfer.js');
    return httpTransfer(parsed, io);
  },
};

/** What a `polyport http` command line asks for. */
export interface HttpCommandLine {
  /** `--help`: print the usage and nothing else. */
  readonly help: boolean;
  /** The method, upper case. */
  readonly method: string;
  /** The URL, `http://` or `https://`. */
  readonly url: string;
  /** The file the body goes to (`undefined`: stdout). */
  readonly output: string | undefined;
  /** `--data`: the body as curl reads it (TEXT, `@FILE`, `@-` or `-`). */
  readonly data: string | undefined;
  /** `--header` fields, name and value. */
  readonly headers: Array<[string, string]>;
  /** `--insecure`: do not verify the server's certificate. */
  readonly insecure: boolean;
  /** `--cafile`: a PEM file of CA certificates to trust. */
  readonly cafile: string | undefined;
  /** `--include`: print the status line and fields before the body. */
  readonly include: boolean;
  /** `--location`: follow redirects. */
  readonly location: boolean;
  /** `--no-progress`: draw no progress bar. */
  readonly noProgress: boolean;
  /** Seconds to wait for a connection or a read. */
  readonly timeout: number;
}

function parse(argv: readonly string[]): HttpCommandLine {
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
