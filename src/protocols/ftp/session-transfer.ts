/**
 * `SessionTransfer`: the transfer commands of one FTP session — RETR, STOR, APPE, STOU, LIST,
 * NLST, MLSD — and ABOR and STAT, which act on a transfer while it runs.
 */

import { stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { Producer, SocketMap } from '../../dispatch/index.js';
import type { Clock } from '../../server/clock.js';
import type { ServerObserver } from '../../server/server-observer.js';
import type { Permission } from './command-table.js';
import { DataChannel, type TransferOutcome } from './data-channel.js';
import type { DataConnector } from './data-connector.js';
import { FileSource } from './file-source.js';
import type { FtpJail } from './ftp-jail.js';
import type { FtpServiceContext } from './ftp-service-context.js';
import { type ListTarget, listTargetPath, resolveListTarget } from './list-target.js';
import { collectListing, type ListingFormat, ListingProducer } from './listing-producer.js';
import { ok, type Reply, reply } from './reply.js';
import type { TransferType } from './transfer-params.js';
import { openUpload, UploadError, type UploadKind, type UploadTarget } from './upload-target.js';

/** What the transfer commands need of the session: its settings, state, data setup and replies. */
export interface TransferHost {
  readonly service: Pick<FtpServiceContext, 'options' | 'dataTimeout'>;
  readonly data: DataConnector;
  readonly clock: Clock;
  readonly observer: ServerObserver;
  readonly map: SocketMap;
  /** The peer, formatted for logs. */
  readonly peer: string;
  /** The control connection's remote address. */
  readonly peerHost: string;
  /** The control connection is gone: a data connection made meanwhile is dropped. */
  readonly closed: boolean;
  readonly user: string | null;
  readonly jail: FtpJail | null;
  readonly cwd: string;
  readonly permissions: ReadonlySet<Permission>;
  readonly mlstFacts: readonly string[];
  readonly type: TransferType;
  readonly secure: boolean;
  readonly protPrivate: boolean;
  /** The REST offset for the next transfer, used up by it. */
  rest: number;
  /** Progress on a data connection keeps the control connection from idling out. */
  touch(): void;
  /** Sends a reply on the control connection. */
  reply(value: Reply): void;
}

const TRANSFERS = new Set(['RETR', 'STOR', 'APPE', 'STOU', 'LIST', 'NLST', 'MLSD']);
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

/** Strips `ls` options (`-la`, `-a -l`) that clients put before a LIST or NLST path. */
function stripListOptions(arg: string): string {
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
 * if (transfer.handles('RETR')) await transfer.run('RETR', 'a.txt');
 */
export class SessionTransfer {
  readonly #session: TransferHost;
  #channel: DataChannel | null = null;
  #running: Promise<void> | null = null;
  #aborted = false;
  #current = '';

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

  /**
   * Tells whether a verb is a transfer command.
   *
   * @param verb The canonical verb.
   * @returns `true` for RETR, STOR, APPE, STOU, LIST, NLST and MLSD.
   */
  handles(verb: string): boolean {
    return TRANSFERS.has(verb);
  }

  /**
   * Runs a transfer command to its final reply.
   *
   * @param verb The canonical verb.
   * @param arg Its argument.
   */
  async run(verb: string, arg: string): Promise<void> {
    let finish: () => void = () => {};
    this.#running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#aborted = false;
    this.#current = `${verb} ${arg}`.trim();
    try {
      await this.#run(verb, arg);
    } finally {
      this.#running = null;
      this.#channel = null;
      finish();
    }
  }

  async #run(verb: string, arg: string): Promise<void> {
    const s = this.#session;
    const rest = s.rest;
    s.rest = 0;
    const options = s.service.options;
    if (options.requireTls && !s.protPrivate && s.user !== 'anonymous') {
      s.reply(reply(522, 'Data connections must be encrypted: use PBSZ 0 and PROT P.'));
      return;
    }
    if (!s.data.ready) {
      s.reply(reply(425, 'Use PORT, EPRT, PASV or EPSV first.'));
      return;
    }
    const prepared = await this.#prepare(verb, arg, rest, s.jail as FtpJail);
    if ('code' in prepared) {
      s.data.reset();
      s.reply(prepared);
      return;
    }
    s.reply(reply(150, prepared.note));
    const started = s.clock.now();
    const outcome = await this.#move(prepared);
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
        await prepared.upload.discard(options.keepPartialUploads ?? false);
      else prepared.producer.close?.();
      final =
        outcome.reason === 'no data connection'
          ? reply(425, "Can't open data connection.")
          : reply(426, 'Connection closed; transfer aborted.');
    }
    s.reply(final);
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
      tls: s.protPrivate,
    });
  }

  async #prepare(
    verb: string,
    arg: string,
    rest: number,
    jail: FtpJail,
  ): Promise<Prepared | Reply> {
    const s = this.#session;
    const ascii = s.type === 'ascii';
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
        now: new Date(s.clock.now()),
        permissions: s.permissions,
        facts: s.mlstFacts,
        root: jail.root,
        ...(pattern === undefined
          ? {}
          : {
              match: (name: string) => pattern.matches(name),
              maxEntries: s.service.options.maxListMatches ?? DEFAULT_MAX_LIST_MATCHES,
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

  async #move(prepared: Prepared): Promise<TransferOutcome> {
    const s = this.#session;
    const tls = s.protPrivate ? s.service.options.tls : undefined;
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
      });
      this.#channel = channel;
      if (prepared.direction === 'in')
        channel.receive({ fd: prepared.upload.fd, position: prepared.upload.position });
      else if (prepared.producer instanceof FileSource) channel.sendFile(prepared.producer);
      else channel.sendFrom(prepared.producer);
    });
  }

  /**
   * ABOR: cuts the transfer in progress (its command gets 426), then answers 226; with none in
   * progress, drops any prepared data connection and answers 225.
   */
  async abort(): Promise<void> {
    const s = this.#session;
    const running = this.#running;
    if (running === null) {
      s.data.reset();
      s.reply(reply(225, 'No transfer to abort.'));
      return;
    }
    this.#aborted = true;
    this.#channel?.abort('aborted');
    s.data.reset();
    await running;
    s.reply(reply(226, 'ABOR successful.'));
  }

  /** Cuts any transfer without replying (logout, connection closed). */
  cancel(): void {
    if (this.#running === null) return;
    this.#aborted = true;
    this.#channel?.abort('control connection closed');
    this.#session.data.reset();
  }

  /**
   * STAT during a transfer (RFC 959): how far it has got.
   *
   * @returns The 213 reply.
   */
  status(): Reply {
    const bytes = this.#channel?.bytes ?? 0;
    return reply(213, `Status: ${this.#current}: ${bytes} bytes transferred.`);
  }

  /**
   * STAT outside a transfer: the session's status, or a listing of `arg` on the control
   * connection (213, in LIST form).
   *
   * @param arg The path, or `''`.
   * @returns The reply.
   */
  async statCommand(arg: string): Promise<Reply> {
    const s = this.#session;
    if (arg.trim() === '') {
      return reply(
        211,
        'polyport FTP server status:',
        ` Connected to ${s.peerHost}`,
        ` Logged in as ${s.user ?? '(nobody)'}`,
        ` TYPE: ${s.type === 'ascii' ? 'ASCII' : 'BINARY'}, STRUcture: File, MODE: Stream`,
        ` Control connection: ${s.secure ? 'TLS' : 'plain'}; data connections: ${s.protPrivate ? 'private' : 'clear'}`,
        ` ${s.data.ready ? 'Data connection set up' : 'No data connection'}`,
        'End of status',
      );
    }
    const jail = s.jail;
    if (jail === null || !s.permissions.has('list')) return reply(550, 'Permission denied.');
    const found = await resolveListTarget(jail, s.cwd, stripListOptions(arg));
    if (!found.ok) return found.reply;
    const { path, pattern } = found.value;
    const lines = await collectListing(
      path.real,
      {
        format: 'list',
        now: new Date(s.clock.now()),
        permissions: s.permissions,
        root: jail.root,
        ...(pattern === undefined ? {} : { match: (name: string) => pattern.matches(name) }),
      },
      MAX_STAT_LINES,
    );
    return reply(213, `Status of ${listTargetPath(found.value)}:`, ...lines, 'End of status');
  }
}
