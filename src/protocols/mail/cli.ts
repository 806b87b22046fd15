/**
 * `polyport mail send|fetch`: the SMTP and POP3 clients on the command line. This file reads the
 * command line; sending and fetching are in mail-action.ts, loaded only once the command line is
 * good, so `--help` and bad usage are answered without the clients, TLS and the socket layer.
 */

import { parseArgs } from 'node:util';
// A single file, not the barrel: that loads the socket layer, which --help does not need.
import {
  type CliCommand,
  type CliIO,
  EXIT,
  type LocalServer,
  localServer,
  usageError,
} from '../common/cli-command.js';

const HELP = `Usage: polyport mail send --from ADDR --to ADDR [--to ADDR ...] [--subject S] [--attach FILE ...] [options] [FILE|-]
       polyport mail fetch [--user U --pass P] [--out DIR] [--delete] [options]

send   reads a message from FILE (or stdin, or '-') and sends it over SMTP. If the input does
       not begin with a header, or --subject or --attach is given, From/To/Subject/Date/
       Message-ID headers are written before it and the input is the body (UTF-8). Header
       text that is not ASCII (a subject, a name in 'Name <addr>') is sent as RFC 2047
       encoded words; each --attach FILE makes the message MIME multipart/mixed with the file
       as a base64 part.
fetch  logs in over POP3 and lists the messages, one per line with tabs between: number,
       size, unique id, From, Date, Subject (encoded words decoded); with
       --out DIR saves each one as DIR/<unique id>.eml, and with --delete (which needs --out)
       deletes what was saved.

  polyport mail send --from me@client.test --to demo@example.test --subject hi notes.txt
  polyport mail send --from 'Jöns <j@client.test>' --to demo@example.test \\
      --subject 'Grüße' --attach report.pdf --attach photo.jpg notes.txt
  echo hello | polyport mail send --from me@client.test --to demo@example.test
  polyport mail fetch --out ./inbox

Options:
  --server HOST:PORT   the server (send: 127.0.0.1:10025, fetch: 127.0.0.1:10110, the ports of
                       polyport serve, or where --config/--set/POLYPORT_PORT_OFFSET put them)
  --config FILE        find the local server in this config file, as polyport serve reads it
  --set KEY=VALUE      a config key, as for serve (repeatable): --set portOffset=40000
  -a, --attach FILE    send: attach FILE (repeatable; its type from its name)
  --tls                upgrade with STARTTLS (send) or STLS (fetch) before anything else
  --insecure           with --tls: do not check the server's certificate (self-signed labs)
  --cafile FILE        with --tls: trust the CA certificates in FILE (PEM)
  --user U, --pass P   send: log in with AUTH PLAIN (needs --tls); fetch: the mailbox login
                       (default demo/demo, only for a loopback server)
  -t, --timeout SECS   give up on a silent server after this long (default 30)
  -h, --help           show this help

Exit status: 0 on success, 1 when the server could not be reached or refused (a refused
recipient included), 2 for bad usage.
`;

/** The options of a `polyport mail` command line, as `parseArgs` reads them. */
export type MailOptions = ReturnType<typeof parse>['values'];

/** What a `polyport mail` command line asks for, once read and checked. */
export interface MailRequest {
  /** Send over SMTP or fetch over POP3. */
  readonly action: 'send' | 'fetch';
  /** The options (`--from`, `--to`, `--tls`, `--out`, ...). */
  readonly options: MailOptions;
  /** send: the message's file (`-` or none: stdin). */
  readonly file: string | undefined;
  /** The server: --server, else the local polyport serve's SMTP or POP3 service. */
  readonly server: { readonly host: string; readonly port: number };
}

/** `polyport mail`. */
export const mailCommand: CliCommand = {
  name: 'mail',
  summary: 'send mail over SMTP, fetch it over POP3',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'mail', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const { action, values, file } = parsed;
    let server: MailRequest['server'];
    try {
      server =
        action === 'send'
          ? splitServer(values.server ?? hostPort(localServer(io, 'smtp', 25)), 25)
          : splitServer(values.server ?? hostPort(localServer(io, 'pop3', 110)), 110);
    } catch (err) {
      // --server was checked by parse(): this is the config's address, which is no usage error.
      io.stderr.write(`polyport mail ${action}: ${(err as Error).message}\n`);
      return EXIT.FAILURE;
    }
    const loopback = /^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(server.host);
    if (action === 'fetch' && values.user === undefined && !loopback) {
      io.stderr.write(
        'polyport mail fetch: give --user and --pass (demo/demo is for loopback only)\n',
      );
      return EXIT.USAGE;
    }
    // The clients, TLS and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { mailAction } = await import('./mail-action.js');
    return mailAction({ action, options: values, file, server }, io);
  },
};

function parse(argv: readonly string[]) {
  const result = parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      to: { type: 'string', multiple: true },
      subject: { type: 'string' },
      attach: { type: 'string', short: 'a', multiple: true },
      server: { type: 'string' },
      tls: { type: 'boolean' },
      insecure: { type: 'boolean' },
      cafile: { type: 'string' },
      user: { type: 'string' },
      pass: { type: 'string' },
      out: { type: 'string' },
      delete: { type: 'boolean' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [action, ...rest] = result.positionals;
  const v = result.values;
  if (v.help) return { values: v, action: 'send' as const, file: undefined };
  if (action !== 'send' && action !== 'fetch') {
    throw new Error(action === undefined ? 'say send or fetch' : `unknown action '${action}'`);
  }
  if (v.timeout !== undefined && !(Number(v.timeout) > 0)) {
    throw new Error(`--timeout must be a positive number of seconds, got '${v.timeout}'`);
  }
  if (v.server !== undefined) splitServer(v.server, 0);
  if ((v.user === undefined) !== (v.pass === undefined))
    throw new Error('give --user and --pass together');
  if (action === 'send') {
    if (v.from === undefined || v.to === undefined) throw new Error('send needs --from and --to');
    if (rest.length > 1) throw new Error('give one FILE at most');
    if (v.user !== undefined && !v.tls)
      throw new Error('--user needs --tls: passwords never go in the clear');
    for (const flag of ['out', 'delete'] as const) {
      if (v[flag] !== undefined) throw new Error(`--${flag} is for fetch`);
    }
    return { values: v, action: 'send' as const, file: rest[0] };
  }
  if (rest.length > 0) throw new Error('fetch takes no FILE');
  if (v.delete && v.out === undefined)
    throw new Error('--delete needs --out: only saved mail is deleted');
  for (const flag of ['from', 'to', 'subject', 'attach'] as const) {
    if (v[flag] !== undefined) throw new Error(`--${flag} is for send`);
  }
  return { values: v, action: 'fetch' as const, file: undefined };
}

/** `host:port`, with an IPv6 host in brackets, as --server takes it. */
function hostPort({ host, port }: LocalServer): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function splitServer(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(text);
  const port = Number(match?.[3] ?? defaultPort);
  if (match === null || port > 65535)
    throw new Error(`--server must be HOST[:PORT], got '${text}'`);
  return { host: match[1] ?? match[2]!, port };
}
