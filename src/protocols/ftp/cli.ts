/**
 * `polyport ftp`: the FTP client on the command line — `ls`, `get`, `put` and `mirror`.
 */

import { statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  type CliCommand,
  type CliIO,
  clientTlsContext,
  EXIT,
  localServer,
  progressBar,
  progressWanted,
  tlsHint,
  usageError,
} from '../common/index.js';
import { FtpClient } from './client/ftp-client.js';
import { FtpError } from './client/ftp-control-connection.js';
import { mirrorDown, mirrorUp } from './client/ftp-mirror.js';
import { type FtpUrl, isLoopbackHost, parseFtpUrl } from './client/ftp-url.js';
import type { FileEntry } from './codec/file-entry.js';
import { formatListLine } from './codec/list-formatter.js';
import { parseMlsxLine } from './codec/mlsx.js';

const HELP = `Usage: polyport ftp ls URL
       polyport ftp get URL [LOCAL|-]        (- : to stdout)
       polyport ftp put LOCAL URL
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

type Parsed = ReturnType<typeof parse>;

class UsageError extends Error {}

/**
 * The progress callback of one transfer: the command line's progress bar on stderr when it is
 * a terminal and --no-progress was not given; the bar is removed when the transfer is done.
 */
function progress(
  io: CliIO,
  values: Parsed['values'],
  label: string,
  total: number | null,
): (bytes: number) => void {
  const bar = progressBar(io, total, {
    bytes: true,
    label,
    noProgress: values['no-progress'],
  });
  if (bar === null) return () => {};
  return (bytes) => {
    bar.update(bytes);
    if (total !== null && bytes >= total) bar.finish();
  };
}

async function open(url: FtpUrl, values: Parsed['values']): Promise<FtpClient> {
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  const ftp = await FtpClient.connect(url.host, url.port, {
    timeout,
    active: values.active ?? false,
  });
  try {
    if (values.tls) {
      const ctx = clientTlsContext({ insecure: values.insecure, cafile: values.cafile });
      await ftp.authTls(ctx, url.host);
    }
    const loop = isLoopbackHost(url.host);
    const user = url.user ?? (loop ? 'demo' : 'anonymous');
    const password = url.password ?? (url.user === null && loop ? 'demo' : 'polyport@');
    await ftp.login(user, password);
  } catch (err) {
    ftp.close();
    throw err;
  }
  return ftp;
}

/**
 * The entries `ls` prints for `path`: the directory's listing, or for a file that one file (MLST;
 * a server without it gets LIST of the path, which lists a file as itself).
 */
async function listTarget(ftp: FtpClient, path: string): Promise<FileEntry[]> {
  try {
    return await ftp.list(path);
  } catch (err) {
    // MLSD of a file is refused (RFC 3659 7.1: 501); MLST describes the file itself.
    if (!(err instanceof FtpError) || path === '') throw err;
    const reply = await ftp.command(`MLST ${path}`);
    const line = reply.code === 250 ? reply.lines.find((l) => l.startsWith(' ')) : undefined;
    if (line === undefined) throw err;
    const { entry } = parseMlsxLine(line);
    return [{ ...entry, name: nodePath.posix.basename(entry.name) }];
  }
}

async function runAction(
  action: string,
  args: string[],
  values: Parsed['values'],
  io: CliIO,
): Promise<void> {
  const need = (n: number): void => {
    if (args.length !== n) throw new UsageError(`${action} takes ${n} argument${n > 1 ? 's' : ''}`);
  };
  const url = (text: string): FtpUrl => {
    try {
      return parseFtpUrl(text, localServer(io, 'ftp', 10021).port);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  switch (action) {
    case 'ls': {
      need(1);
      const u = url(args[0] as string);
      const ftp = await open(u, values);
      try {
        const now = new Date();
        for (const e of await listTarget(ftp, u.path)) {
          io.stdout.write(`${formatListLine(e, { now })}\n`);
        }
      } finally {
        await ftp.quit().catch(() => {});
      }
      return;
    }
    case 'get': {
      if (args.length < 1 || args.length > 2) throw new UsageError('get takes URL [LOCAL]');
      const u = url(args[0] as string);
      const local = args[1] ?? (nodePath.posix.basename(u.path) || 'index');
      const ftp = await open(u, values);
      try {
        // The size is for the progress bar only: without one, no SIZE round trip.
        const size = progressWanted(io, values['no-progress'])
          ? await ftp.size(u.path).catch(() => null)
          : null;
        if (local === '-') {
          // As curl -o -: the file's bytes to stdout, which stays open for what follows.
          if (values.continue) throw new UsageError('--continue needs a local file, not -');
          await pipeline(
            ftp.getStream(u.path, { onProgress: progress(io, values, u.path, size) }),
            io.stdout,
            {
              end: false,
            },
          );
          return;
        }
        await ftp.get(u.path, local, {
          resume: values.continue ?? false,
          onProgress: progress(io, values, u.path, size),
        });
      } finally {
        await ftp.quit().catch(() => {});
      }
      return;
    }
    case 'put': {
      need(2);
      const local = args[0] as string;
      const u = url(args[1] as string);
      const remote =
        u.path === '' || u.path.endsWith('/') ? `${u.path}${nodePath.basename(local)}` : u.path;
      const size = statSync(local).size;
      const ftp = await open(u, values);
      try {
        await ftp.put(local, remote, {
          resume: values.continue ?? false,
          onProgress: progress(io, values, remote, size),
        });
      } finally {
        await ftp.quit().catch(() => {});
      }
      return;
    }
    case 'mirror': {
      need(2);
      const [a, b] = args as [string, string];
      const u = url(values.reverse ? b : a);
      const ftp = await open(u, values);
      try {
        const options = {
          delete: values.delete ?? false,
          progress: (label: string, size: number | null) => progress(io, values, label, size),
        };
        const n = values.reverse
          ? await mirrorUp(ftp, a, u.path, options)
          : await mirrorDown(ftp, u.path, b, options);
        const files = (k: number): string => `${k} file${k === 1 ? '' : 's'}`;
        io.stderr.write(
          `${files(n.copied)} ${values.reverse ? 'uploaded' : 'downloaded'}, ${n.unchanged} unchanged` +
            `${values.delete ? `, ${n.deleted} deleted` : ''}\n`,
        );
      } finally {
        await ftp.quit().catch(() => {});
      }
      return;
    }
    default:
      throw new UsageError(`unknown action '${action}' (use ls, get, put or mirror)`);
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
    let parsed: Parsed;
    try {
      parsed = parse(argv);
      if (parsed.values.timeout !== undefined && !(Number(parsed.values.timeout) > 0)) {
        throw new Error(
          `--timeout must be a positive number of seconds, got '${parsed.values.timeout}'`,
        );
      }
    } catch (err) {
      return usageError(io, 'ftp', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    const [action, ...args] = parsed.positionals;
    if (action === undefined) {
      return usageError(io, 'ftp', 'give an action');
    }
    try {
      const stop = io.interrupted.then(() => {
        throw new Error('interrupted');
      });
      // The race may be won by the action; a later Ctrl-C must not become an unhandled rejection.
      stop.catch(() => {});
      await Promise.race([runAction(action, args, parsed.values, io), stop]);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof UsageError) {
        return usageError(io, 'ftp', err, HELP);
      }
      const message = err instanceof Error ? err.message : String(err);
      io.stderr.write(`polyport ftp: ${message}${tlsHint(err)}\n`);
      return EXIT.FAILURE;
    }
  },
};
