/**
 * `SessionTransfer`: the server's side of the transfer commands — RETR, STOR, APPE, STOU, LIST,
 * NLST, MLSD — once the control session has let them run (logged in, data set up, PROT P when
 * required), and ABOR and STAT, which act on a transfer while it runs.
 */

import { stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { Producer, SocketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import { FileSource } from '../../common/file-source.js';
import type { FtpControlEvent } from '../codec/control-session-types.js';
import { ok, type Reply, reply } from '../codec/reply.js';
import { DataChannel, type TransferOutcome } from './data-channel.js';
import type { DataConnector } from './data-connector.js';
import type { FileCommandHost } from './file-commands.js';
import type { FtpServiceContext } from './ftp-service-context.js';
import { type ListTarget, listTargetPath, resolveListTarget } from './list-target.js';
import { collectListing, type ListingFormat, ListingProducer } from './listing-producer.js';
import { openUpload, UploadError, type UploadKind, type UploadTarget } from './upload-target.js';

/** A transfer the control session let run. */
export type TransferRequest = Extract<FtpControlEvent, { readonly type: 'transfer' }>;

/** What the transfer commands need of the server's session: settings, data setup, replies. */
export interface TransferHost {
  readonly service: Pick<FtpServiceContext, 'options' | 'dataTimeout'>;
  readonly data: DataConnector;
  readonly clock: Clock;
  readonly observer: ServerObserver;
  readonly map: SocketMap;
  /** The peer, formatted for logs. */
  readonly peer: string;
  /** The control connection is gone: a data connection made meanwhile is dropped. */
  readonly closed: boolean;
  /** The logged-in user, for the transfer log. */
  readonly user: string | null;
  /** Progress on a data connection keeps the control connection from idling out. */
  touch(): void;
  /** Sends the 150 reply: the data connection is coming. */
  started(note: string): void;
  /** Sends the final reply (or the refusal of a transfer that could not start). */
  finished(value: Reply): void;
}

/** Lines `STAT path` sends at most on the control connection. */
const MAX_STAT_LINES = 10_000;
/** Entries a wildcard listing shows at most, unless the service says otherwise. */
const DEFAULT_MAX_LIST_MATCHES = 10_000;

/** What a prepared transfer moves. */
type Prepared =
  | {
      readonly direction: 'out';
      /** A file (RETR) or a listing. */
      readonly producer: Producer | FileSource;
      readonly ascii: boolean;
      readonly path: string;
      readonly note: string;
    }
  | {
      readonly direction: 'in';
      readonly upload: UploadTarget;
      readonly ascii: boolean;
      readonly path: string;
      readonly note: string;
    };

/**
 * Strips `ls` options (`-la`, `-a -l`) that clients put before a LIST or NLST path.
 *
 * @param arg The command's argument.
 * @returns The path part (`''`: the working directory).
 * @example stripListOptions('-la pub'); // 'pub'
 */
export function stripListOptions(arg: string): string {
  let rest = arg.trim();
  for (let m = /^-[A-Za-z1]+(?:\s+|$)/.exec(rest); m; m = /^-[A-Za-z1]+(?:\s+|$)/.exec(rest)) {
    rest = rest.slice(m[0].length);
  }
  return rest;
}

/**
 * Runs transfers for one session, one at a time.
 *
 * @example
 * await transfer.run({ type: 'transfer', verb: 'RETR', arg: 'a.txt', rest: 0, ascii: false, protected: false }, files);
 */
export class SessionTransfer {
  readonly #session: TransferHost;
  #channel: DataChannel | null = null;
  #running: Promise<void> | null = null;
  #aborted = false;

  /**
   * @param session The session the transfers belong to.
   */
  constructor(session: TransferHost) {
    this.#session = session;
  }

  /** Whether a transfer command is in progress (from its 150 to its final reply). */
  get active(): boolean {
    return this.#running !== null;
  }

  /** Bytes moved so far by the transfer running (0 before its data connection). */
  get bytes(): number {
    return this.#channel?.bytes ?? 0;
  }

  /**
   * Runs a transfer command to its final reply.
   *
   * @param request The transfer event.
   * @param files The user's files (jail, working directory, rights, MLSx facts).
   * @param cutAfter A fault rule's cut: the data connection fails after this many bytes.
   */
  async run(request: TransferRequest, files: FileCommandHost, cutAfter?: number): Promise<void> {
    let finish: () => void = () => {};
    this.#running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#aborted = false;
    try {
      await this.#run(request, files, cutAfter);
    } finally {
      this.#running = null;
      this.#channel = null;
      finish();
    }
  }

  async #run(request: TransferRequest, files: FileCommandHost, cutAfter?: number): Promise<void> {
    const s = this.#session;
    const { verb, rest } = request;
    const prepared = await this.#prepare(request, files);
    if ('code' in prepared) {
      s.data.reset();
      s.finished(prepared);
      return;
    }
    s.started(prepared.note);
    const started = s.clock.now();
    const outcome = await this.#move(prepared, request.protected, cutAfter);
    // A data connection is not in the control connection's summary: its bytes are counted here,
    // so the status page and /metrics see every byte (a cut transfer's partial ones too).
    if (prepared.direction === 'in') s.observer.transferred?.(outcome.bytes, 0, 'tcp');
    else s.observer.transferred?.(0, outcome.bytes, 'tcp');
    let final: Reply;
    if (outcome.status === 'complete') {
      final = reply(
        226,
        verb === 'STOU' ? `Transfer complete (FILE: ${prepared.path}).` : 'Transfer complete.',
      );
      if (prepared.direction === 'in') {
        try {
          await prepared.upload.commit();
        } catch (err) {
          final = reply(451, 'Could not store the file.');
          s.observer.error?.(err, s.peer);
        }
      }
    } else {
      if (prepared.direction === 'in')
        await prepared.upload.discard(s.service.options.keepPartialUploads ?? false);
      else prepared.producer.close?.();
      final =
        outcome.reason === 'no data connection'
          ? reply(425, "Can't open data connection.")
          : reply(426, 'Connection closed; transfer aborted.');
    }
    s.finished(final);
    s.observer.request?.({
      msg: 'transfer',
      peer: s.peer,
      user: s.user,
      command: verb,
      path: prepared.path,
      direction: prepared.direction,
      bytes: outcome.bytes,
      offset: rest,
      duration: s.clock.now() - started,
      status:
        outcome.status === 'complete' && final.code === 226
          ? 'complete'
          : this.#aborted
            ? 'aborted'
            : 'failed',
      ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}),
      tls: request.protected,
    });
  }

  async #prepare(request: TransferRequest, s: FileCommandHost): Promise<Prepared | Reply> {
    const { verb, arg, rest, ascii } = request;
    const jail = s.jail;
    const mode = ascii ? 'ASCII' : 'BINARY';
    if (verb === 'LIST' || verb === 'NLST' || verb === 'MLSD') {
      // MLSD names a directory (RFC 3659 7.1): no wildcards there.
      const found =
        verb === 'MLSD'
          ? await jail.existing(s.cwd, arg).then((r) => (r.ok ? ok({ path: r.value }) : r))
          : await resolveListTarget(jail, s.cwd, stripListOptions(arg));
      if (!found.ok)
        return verb === 'NLST' ? reply(450, 'No such file or directory.') : found.reply;
      const target: ListTarget = found.value;
      const { path, pattern } = target;
      if (verb === 'MLSD') {
        const st = await stat(path.real).catch(() => null);
        if (st === null || !st.isDirectory()) return reply(501, 'MLSD needs a directory.');
      }
      const format: ListingFormat = verb === 'LIST' ? 'list' : verb === 'NLST' ? 'nlst' : 'mlsd';
      // A pattern that matches nothing lists nothing: 150, then 226 after an empty listing, as
      // vsftpd 3.0.3 answers `NLST *.none` and `LIST *.none` (checked against it).
      const producer = new ListingProducer(path.real, {
        format,
        now: new Date(this.#session.clock.now()),
        permissions: s.permissions,
        facts: s.mlstFacts,
        root: jail.root,
        ...(pattern === undefined
          ? {}
          : {
              match: (name: string) => pattern.matches(name),
              maxEntries: this.#session.service.options.maxListMatches ?? DEFAULT_MAX_LIST_MATCHES,
              // vsftpd's NLST names matches with the directory as written, so `mget pub/*.txt`
              // can RETR them from the working directory.
              ...(verb === 'NLST' ? { namePrefix: target.dir ?? '' } : {}),
            }),
      });
      return {
        direction: 'out',
        producer,
        ascii: false,
        path: listTargetPath(target),
        note: `Here comes the directory listing.`,
      };
    }
    if (verb === 'RETR') {
      const found = await jail.existing(s.cwd, arg);
      if (!found.ok) return found.reply;
      const st = await stat(found.value.real).catch(() => null);
      if (st === null || !st.isFile()) return reply(550, 'Failed to open file.');
      if (rest > st.size)
        return reply(554, `Invalid REST parameter: the file has ${st.size} bytes.`);
      const producer = new FileSource(found.value.real, { start: rest });
      const name = nodePath.posix.basename(found.value.virtual);
      return {
        direction: 'out',
        producer,
        ascii,
        path: found.value.virtual,
        note: `Opening ${mode} mode data connection for ${name} (${st.size} bytes).`,
      };
    }
    const kind = verb as UploadKind;
    const target = await jail.creatable(s.cwd, arg.trim() === '' ? 'file' : arg);
    if (!target.ok) return target.reply;
    const st = await stat(target.value.real).catch(() => null);
    if (st?.isDirectory() && kind !== 'STOU') return reply(553, 'Is a directory.');
    let upload: UploadTarget;
    try {
      upload = await openUpload(kind, target.value.real, kind === 'STOU' ? 0 : rest);
    } catch (err) {
      if (err instanceof UploadError) return reply(err.code, err.message);
      return reply(553, 'Could not create the file.');
    }
    const path = jail.toVirtual(upload.finalPath);
    const note =
      kind === 'STOU'
        ? `FILE: ${nodePath.posix.basename(path)}`
        : `Ok to send data (${mode} mode).`;
    return { direction: 'in', upload, ascii, path, note };
  }

  async #move(prepared: Prepared, protect: boolean, cutAfter?: number): Promise<TransferOutcome> {
    const s = this.#session;
    const tls = protect ? s.service.options.tls : undefined;
    let sock: Awaited<ReturnType<typeof s.data.connect>>;
    try {
      sock = await s.data.connect({
        timeout: s.service.dataTimeout,
        tls,
        onRefused: (peer) =>
          s.observer.log?.('warn', 'FTP data connection from a foreign address refused', {
            peer: s.peer,
            from: peer,
          }),
      });
    } catch {
      return {
        status: 'failed',
        bytes: 0,
        reason: this.#aborted ? 'aborted' : 'no data connection',
      };
    }
    if (this.#aborted || s.closed) {
      sock.close();
      return { status: 'failed', bytes: 0, reason: 'aborted' };
    }
    return new Promise<TransferOutcome>((resolve) => {
      const channel = new DataChannel(sock, {
        map: s.map,
        clock: s.clock,
        stallTimeout: s.service.dataTimeout,
        ascii: prepared.ascii,
        onProgress: () => s.touch(),
        onDone: resolve,
        cutAfter,
      });
      this.#channel = channel;
      if (prepared.direction === 'in')
        channel.receive({ fd: prepared.upload.fd, position: prepared.upload.position });
      else if (prepared.producer instanceof FileSource) channel.sendFile(prepared.producer);
      else channel.sendFrom(prepared.producer);
    });
  }

  /**
   * ABOR: cuts the transfer in progress (its command ends with 426) and drops the data setup;
   * the control session answers the ABOR once the transfer has ended.
   */
  abort(): void {
    this.#aborted = true;
    this.#channel?.abort('aborted');
    this.#session.data.reset();
  }

  /** Cuts any transfer without replying (logout, connection closed). */
  cancel(): void {
    if (this.#running === null) return;
    this.#aborted = true;
    this.#channel?.abort('control connection closed');
    this.#session.data.reset();
  }

  /**
   * STAT with a path outside a transfer: a listing of `arg` on the control connection (213, in
   * LIST form). The session's own status (STAT alone) is the control session's.
   *
   * @param arg The path.
   * @param s The user's files.
   * @returns The reply.
   */
  async statCommand(arg: string, s: FileCommandHost): Promise<Reply> {
    const jail = s.jail;
    if (!s.permissions.has('list')) return reply(550, 'Permission denied.');
    const found = await resolveListTarget(jail, s.cwd, stripListOptions(arg));
    if (!found.ok) return found.reply;
    const { path, pattern } = found.value;
    const lines = await collectListing(
      path.real,
      {
        format: 'list',
        now: new Date(this.#session.clock.now()),
        permissions: s.permissions,
        root: jail.root,
        ...(pattern === undefined ? {} : { match: (name: string) => pattern.matches(name) }),
      },
      MAX_STAT_LINES,
    );
    return reply(213, `Status of ${listTargetPath(found.value)}:`, ...lines, 'End of status');
  }
}
