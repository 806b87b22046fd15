/**
 * `polyport ftp`: the FTP client on the command line — `ls`, `get`, `put` and `mirror`. This file
 * reads the command line; what the action does is in ftp-action.ts, loaded only once the
 * command line is good, so `--help` and bad usage are answered without the client and the
 * socket layer.
 */

import * as nodePath from 'node:path';
import { parseArgs } from 'node:util';
// Single files, not the barrels: those load the socket layer, which --help does not need.
import {
  type CliCommand,
  type CliIO,
  EXIT,
  localServer,
  usageError,
} from '../common/cli-command.js';
import { type FtpUrl, namesFolder, parseFtpUrl } from './client/ftp-url.js';

const HELP = `Usage: polyport ftp ls URL
       polyport ftp get URL [LOCAL|-]        (- : to stdout)
       polyport ftp put LOCAL|- URL          (- : from stdin)
       polyport ftp mirror URL LOCALDIR        (download a tree)
       polyport ftp mirror --reverse LOCALDIR URL   (upload a tree)

Talks to an FTP server. URL is ftp://[user[:password]@]host[:port]/path; the port defaults to
polyport serve's FTP port: 10021, or where the config of --config/--set/POLYPORT_PORT_OFFSET
puts it. Without a user, a loopback host gets the sample demo/demo and any other host anonymous.

  polyport ftp ls ftp://127.0.0.1/pub
  polyport ftp get ftp://demo:demo@127.0.0.1/hello.txt
  polyport ftp put report.pdf ftp://127.0.0.1/incoming/
  polyport ftp mirror ftp://127.0.0.1/pub ./pub
  polyport ftp get ftp://127.0.0.1/pub/hello.txt - | head
  tar c notes | polyport ftp put - ftp://127.0.0.1/incoming/notes.tar

ls of a file lists that file. mirror skips files whose size and modification time already
match, gives each copy the source's modification time (MFMT when uploading), and with
--delete removes what the source no longer has.

Options:
      --config FILE    take the default port from this config file, as polyport serve reads it
      --set KEY=VALUE  a config key, as for serve (repeatable): --set portOffset=40000
      --tls            AUTH TLS, with protected data connections (PROT P)
  -k, --insecure       with --tls, accept any certificate (self-signed lab servers)
      --cafile FILE    with --tls, trust the CA certificates in FILE (PEM)
      --active         active mode (EPRT/PORT) instead of passive
  -c, --continue       resume a partial download or upload (REST)
      --reverse        mirror: upload LOCALDIR to URL
      --delete         mirror: remove files and folders the source no longer has
  -t, --timeout SECS   give up on a silent server after this long (default 30)
      --no-progress    draw no progress bar
  -h, --help           show this help

A progress bar (file name, size, rate, time left) goes to stderr when it is a terminal.
Exit status: 0 on success, 1 when the transfer or a command failed, 2 for bad usage.
`;

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      tls: { type: 'boolean' },
      insecure: { type: 'boolean', short: 'k' },
      cafile: { type: 'string' },
      active: { type: 'boolean' },
      continue: { type: 'boolean', short: 'c' },
      reverse: { type: 'boolean' },
      delete: { type: 'boolean' },
      timeout: { type: 'string', short: 't' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
}

/** The options of a `polyport ftp` command line, as `parseArgs` reads them. */
export type FtpOptions = ReturnType<typeof parse>['values'];

/** What a `polyport ftp` command line asks for, once read and checked. */
export interface FtpRequest {
  /** The action. */
  readonly action: 'ls' | 'get' | 'put' | 'mirror';
  /** The server, login and remote path. */
  readonly url: FtpUrl;
  /**
   * The local side: get's file (`-` for stdout), put's file (`-` for stdin), mirror's folder;
   * `''` for ls.
   */
  readonly local: string;
  /** The options (`--tls`, `--continue`, `--reverse`, ...). */
  readonly options: FtpOptions;
}

/**
 * Reads the action and its operands.
 * @throws {Error} for a missing or unknown action, a wrong number of operands or a bad URL.
 */
function request(positionals: readonly string[], options: FtpOptions, io: CliIO): FtpRequest {
  const [action, ...args] = positionals;
  if (action === undefined) throw new Error('give an action');
  const need = (n: number): void => {
    if (args.length !== n) throw new Error(`${action} takes ${n} argument${n > 1 ? 's' : ''}`);
  };
  const url = (text: string): FtpUrl => parseFtpUrl(text, localServer(io, 'ftp', 21).port);
  switch (action) {
    case 'ls':
      need(1);
      return { action, url: url(args[0] as string), local: '', options };
    case 'get': {
      if (args.length < 1 || args.length > 2) throw new Error('get takes URL [LOCAL]');
      const u = url(args[0] as string);
      const local = args[1] ?? (nodePath.posix.basename(u.path) || 'index');
      if (local === '-' && options.continue) {
        throw new Error('--continue needs a local file, not -');
      }
      return { action, url: u, local, options };
    }
    case 'put': {
      need(2);
      const u = url(args[1] as string);
      const local = args[0] as string;
      if (local === '-') {
        // Standard input has no name to give a folder URL, and no way to skip what was sent.
        if (namesFolder(u)) throw new Error('put - needs a file name at the end of the URL');
        if (options.continue) throw new Error('--continue needs a local file, not -');
      }
      return { action, url: u, local, options };
    }
    case 'mirror': {
      need(2);
      const [a, b] = args as [string, string];
      return options.reverse
        ? { action, url: url(b), local: a, options }
        : { action, url: url(a), local: b, options };
    }
    default:
      throw new Error(`unknown action '${action}' (use ls, get, put or mirror)`);
  }
}

/**
 * `polyport ftp`: ls, get, put and mirror over FTP or FTPS.
 *
 * @example
 * await ftpCommand.run(['get', 'ftp://127.0.0.1/hello.txt'], io); // 0
 */
export const ftpCommand: CliCommand = {
  name: 'ftp',
  summary: 'list, download, upload or mirror files on an FTP server',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let asked: FtpRequest | 'help';
    try {
      const parsed = parse(argv);
      if (parsed.values.timeout !== undefined && !(Number(parsed.values.timeout) > 0)) {
        throw new Error(
          `--timeout must be a positive number of seconds, got '${parsed.values.timeout}'`,
        );
      }
      asked = parsed.values.help ? 'help' : request(parsed.positionals, parsed.values, io);
    } catch (err) {
      return usageError(io, 'ftp', err, HELP);
    }
    if (asked === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    // The client, TLS and the socket layer load only now: --help and a bad command line are
    // answered without them, as fast as Node starts.
    const { ftpAction } = await import('./ftp-action.js');
    return ftpAction(asked, io);
  },
};
