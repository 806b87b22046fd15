/**
 * What `polyport ftp` does once its command line is read (cli.ts): connects, logs in and runs
 * `ls`, `get`, `put` or `mirror` with the FTP client. A file of its own so that cli.ts answers
 * `--help` and a bad command line without loading the client, TLS and the socket layer.
 */
import { statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
// Single files, not the barrel: it also holds password hashing, which loads node:crypto (some
// 6 ms of start-up on Node 20) for nothing here.
import { type CliIO, EXIT, outputStream } from '../common/cli-command.js';
import { clientTlsContext, tlsHint } from '../common/client-tls.js';
import { progressBar, progressWanted } from '../common/progress-bar.js';
import type { FtpOptions, FtpRequest } from './cli.js';
import { FtpClient } from './client/ftp-client.js';
import { FtpError } from './client/ftp-control-connection.js';
import { mirrorDown, mirrorUp } from './client/ftp-mirror.js';
import { type FtpUrl, isLoopbackHost, namesFolder } from './client/ftp-url.js';
import type { FileEntry } from './codec/file-entry.js';
import { formatListLine } from './codec/list-formatter.js';
import { parseMlsxLine } from './codec/mlsx.js';

/**
 * Runs the action `request` asks for, until it is done or the user interrupts; a failure is
 * reported on stderr in one line.
 * @param request the checked command line.
 * @param io the command's streams.
 * @returns {@link EXIT.OK} when the action succeeded, else {@link EXIT.FAILURE}.
 * @example return ftpAction(request, io);
 */
export async function ftpAction(request: FtpRequest, io: CliIO): Promise<number> {
  try {
    const stop = io.interrupted.then(() => {
      throw new Error('interrupted');
    });
    // The race may be won by the action; a later Ctrl-C must not become an unhandled rejection.
    stop.catch(() => {});
    await Promise.race([run(request, io), stop]);
    return EXIT.OK;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`polyport ftp: ${message}${tlsHint(err)}\n`);
    return EXIT.FAILURE;
  }
}

/** A transfer's progress callback, and how to remove its bar once the transfer is over. */
interface TransferProgress {
  (bytes: number): void;
  /** Removes the bar: at the end of a transfer whose size was not known, or on a failure. */
  finish(): void;
}

/**
 * The progress callback of one transfer: the command line's progress bar on stderr when it is
 * a terminal and --no-progress was not given; the bar is removed once `total` bytes have moved,
 * or by `finish()`.
 */
function progress(
  io: CliIO,
  options: FtpOptions,
  label: string,
  total: number | null,
): TransferProgress {
  const bar = progressBar(io, total, {
    bytes: true,
    label,
    noProgress: options['no-progress'],
  });
  if (bar === null) return Object.assign(() => {}, { finish: () => {} });
  const update = (bytes: number): void => {
    bar.update(bytes);
    if (total !== null && bytes >= total) bar.finish();
  };
  return Object.assign(update, { finish: () => bar.finish() });
}

async function open(url: FtpUrl, options: FtpOptions): Promise<FtpClient> {
  const timeout = options.timeout === undefined ? 30 : Number(options.timeout);
  const ftp = await FtpClient.connect(url.host, url.port, {
    timeout,
    active: options.active ?? false,
  });
  try {
    if (options.tls) {
      const ctx = clientTlsContext({ insecure: options.insecure, cafile: options.cafile });
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

async function run(request: FtpRequest, io: CliIO): Promise<void> {
  const { url: u, local, options } = request;
  // put reads its file's size before connecting: a missing file fails without a login.
  const size = request.action === 'put' && local !== '-' ? statSync(local).size : null;
  const ftp = await open(u, options);
  try {
    switch (request.action) {
      case 'ls': {
        const now = new Date();
        for (const e of await listTarget(ftp, u.path)) {
          io.stdout.write(`${formatListLine(e, { now })}\n`);
        }
        return;
      }
      case 'get': {
        // The size is for the progress bar only: without one, no SIZE round trip.
        const total = progressWanted(io, options['no-progress'])
          ? await ftp.size(u.path).catch(() => null)
          : null;
        const onProgress = progress(io, options, u.path, total);
        try {
          if (local === '-') {
            // As curl -o -: the file's bytes to stdout, which stays open for what follows.
            await pipeline(ftp.getStream(u.path, { onProgress }), outputStream(io.stdout), {
              end: false,
            });
          } else {
            await ftp.get(u.path, local, { resume: options.continue ?? false, onProgress });
          }
        } finally {
          onProgress.finish();
        }
        return;
      }
      case 'put': {
        // From stdin (as curl -T -), to the file the URL names: cli.ts checked there is one.
        const remote = namesFolder(u) ? `${u.path}${nodePath.basename(local)}` : u.path;
        const onProgress = progress(io, options, remote, size);
        try {
          if (local === '-') await ftp.putStream(remote, io.stdin, { onProgress });
          else await ftp.put(local, remote, { resume: options.continue ?? false, onProgress });
        } finally {
          onProgress.finish();
        }
        return;
      }
      case 'mirror': {
        const mirror = {
          delete: options.delete ?? false,
          progress: (label: string, total: number | null) => progress(io, options, label, total),
        };
        const n = options.reverse
          ? await mirrorUp(ftp, local, u.path, mirror)
          : await mirrorDown(ftp, u.path, local, mirror);
        const files = (k: number): string => `${k} file${k === 1 ? '' : 's'}`;
        io.stderr.write(
          `${files(n.copied)} ${options.reverse ? 'uploaded' : 'downloaded'}, ${n.unchanged} unchanged` +
            `${options.delete ? `, ${n.deleted} deleted` : ''}\n`,
        );
        return;
      }
    }
  } finally {
    await ftp.quit().catch(() => {});
  }
}
