/**
 * `FtpHandler`: one FTP control connection on the kit — the glue that carries out the events of
 * its sans-I/O state machine, {@link FtpControlSession}: logins in `session-login.ts`, data
 * setup in `session-data-setup.ts`, file commands in `file-commands.ts`, transfers in
 * `session-transfer.ts`, AUTH TLS through the kit's `Connection.startTls`. The kit's
 * `Connection` drives the session over the transport (read gating, the output bound, the phase
 * timeouts); this adds FTP's own rules: a transfer runs beside the connection so ABOR and STAT
 * are read while it does, and the idle timeout spares a client waiting for our reply.
 */

import { type SocketMap, socketMap } from '../../../dispatch/index.js';
import type { Clock } from '../../../server/clock.js';
import { type CommandFacts, CommandFaults } from '../../../server/command-faults.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../server/connection.js';
import { DEFAULT_LIMITS, pendingOutputBound } from '../../../server/limits.js';
import type { ServerObserver } from '../../../server/server-observer.js';
import type { TimeoutPhase, Transport } from '../../../server/transport.js';
import { FtpControlSession } from '../codec/control-session.js';
import { FILE_VERBS, TRANSFER_VERBS } from '../codec/control-session-types.js';
import type { Reply } from '../codec/reply.js';
import { resolveVirtualPath } from '../codec/virtual-path.js';
import { CommandRate } from './command-rate.js';
import { DataConnector } from './data-connector.js';
import { type FileCommandHost, runFileCommand } from './file-commands.js';
import type { FtpJail } from './ftp-jail.js';
import { type FtpServerEvent, FtpServerSession } from './ftp-server-session.js';
import type { FtpServiceContext } from './ftp-service-context.js';
import { InputGatedTransport } from './input-gated-transport.js';
import { activeCommand, localFamily, passiveCommand } from './session-data-setup.js';
import { SessionLogin } from './session-login.js';
import { SessionTransfer, stripListOptions, type TransferHost } from './session-transfer.js';

/** What login gave the session: the user's tree and where they are in it. */
interface Files {
  readonly jail: FtpJail;
  cwd: string;
}

/** What the listener gives each control connection besides its transport. */
export interface FtpConnectionSettings extends ConnectionSettings {
  /** The loop the data connections join (default: the shared `socketMap`). */
  readonly map?: SocketMap;
  /** The control connection's own address (passive listeners bind to it), `''` if unknown. */
  readonly localHost?: string;
  /**
   * The load balancer whose PROXY header named the client: passive data connections it
   * forwards come from its address and are accepted too.
   */
  readonly balancerHost?: string;
}

/**
 * The server side of one FTP control connection.
 *
 * @example
 * createChannel: ({ socket, channelOptions }) =>
 *   new FtpHandler(new ChannelTransport(socket, channelOptions), { ...channelOptions, localHost }, ctx);
 */
export class FtpHandler implements SessionHandler<FtpServerEvent> {
  /** The kit's connection this handler acts for. */
  readonly connection: Connection<FtpServerEvent>;
  readonly service: FtpServiceContext;
  readonly data: DataConnector;
  readonly transfer: SessionTransfer;
  /** The control connection's protocol state. */
  readonly control: FtpControlSession;
  /** The loop data connections join. */
  readonly map: SocketMap;
  /** The control connection's own address (passive listeners bind to it). */
  readonly localHost: string;
  /** The peer's IP address. */
  readonly peerHost: string;
  readonly #session: FtpServerSession;
  readonly #login: SessionLogin;
  #files: Files | null = null;
  /** Fault rules at each command, and `cutAfter` for transfers. */
  readonly #faults: CommandFaults;

  /**
   * @param transport The control connection's transport.
   * @param settings Limits, observer and clock from the listener, with the loop and the local
   *   address.
   * @param service The service's shared settings.
   */
  constructor(transport: Transport, settings: FtpConnectionSettings, service: FtpServiceContext) {
    const limits = settings.limits ?? DEFAULT_LIMITS;
    const bound = pendingOutputBound(limits);
    this.service = service;
    this.map = settings.map ?? socketMap;
    this.localHost = settings.localHost ?? '';
    const peer = transport.peerAddress;
    this.peerHost = Array.isArray(peer) ? String(peer[0]) : '';
    this.data = new DataConnector(this.peerHost, settings.balancerHost);
    this.control = new FtpControlSession({
      maxLineLength: Math.min(limits.maxRequestSize, 4096),
      maxPendingOutput: bound,
      peerHost: this.peerHost,
      localFamily: localFamily(this.localHost),
      tls: service.options.tls !== undefined,
      requireTls: service.options.requireTls ?? false,
      anonymous: service.options.anonymous ?? false,
      ...(service.options.banner === undefined ? {} : { banner: service.options.banner }),
      ...(settings.observer?.fault === undefined
        ? {}
        : {
            stopCommand: (verb: string, arg: string) => this.#faults.check(this.#facts(verb, arg)),
          }),
    });
    const control = this.control;
    this.#session = new FtpServerSession({
      control,
      // The bucket only reads the time: the service's clock is the connection's, unguarded.
      rate: new CommandRate(service.maxCommandsPerSecond, service.clock),
      onFlood: () => this.observer.log?.('warn', 'FTP command flood', { peer: this.peer }),
      outputRoom: () => transport.queuedBytes <= bound,
    });
    this.connection = new Connection({
      limits,
      ...(settings.observer === undefined ? {} : { observer: settings.observer }),
      ...(settings.clock === undefined ? {} : { clock: settings.clock }),
      transport: new InputGatedTransport(transport, () => control.wantsInput),
      session: this.#session,
      handler: this,
    });
    this.transfer = new SessionTransfer(this.#transferHost());
    this.#login = new SessionLogin(this);
    this.#faults = new CommandFaults(this.connection);
  }

  /** The peer, formatted for logs. */
  get peer(): string {
    return this.connection.peer;
  }

  /** The connection's clock (a throw in one of its timers closes this connection only). */
  get clock(): Clock {
    return this.connection.clock;
  }

  /** Where this connection's logs and byte counts go. */
  get observer(): ServerObserver {
    return this.connection.observer;
  }

  /** The logged-in user's name, or null. */
  get user(): string | null {
    return this.control.user;
  }

  /** AUTH TLS is in force on the control connection. */
  get secure(): boolean {
    return this.control.secure;
  }

  /** The passive port range in force. */
  get passivePorts(): readonly [number, number] | null {
    return this.service.options.passivePorts ?? null;
  }

  /** The address PASV announces (`''`: the local one). */
  get passiveAddress(): string {
    return this.service.options.passiveAddress ?? '';
  }

  /** Progress on a data connection: the control connection is not idle. */
  touch(): void {
    this.connection.touch();
  }

  /**
   * Sends the 150 of the transfer running.
   *
   * @param note The text after `150 `.
   */
  started(note: string): void {
    this.control.transferStarted(note);
    this.connection.flush();
  }

  /**
   * Sends the final reply of the transfer running; the commands waiting for it run next.
   *
   * @param value The reply.
   */
  finished(value: Reply): void {
    this.control.transferDone(value);
    this.connection.pump();
  }

  handleEvent(ev: FtpServerEvent): void | Promise<void> {
    switch (ev.type) {
      case 'login':
        return this.#decided(this.#loginStep(ev.user, ev.password));
      case 'logout':
        this.transfer.cancel();
        this.data.reset();
        this.#files = null;
        return;
      case 'passive':
        return this.#decided(passiveCommand(this, this.control));
      case 'active':
        activeCommand(this, ev.target);
        return;
      case 'bounce-refused':
        this.observer.log?.('warn', 'FTP bounce refused', { peer: this.peer, target: ev.arg });
        return;
      case 'data-reset':
        this.data.reset();
        return;
      case 'file':
        return this.#decided(this.#fileStep(ev.verb, ev.arg, ev.from));
      case 'stat':
        return this.#decided(this.#statStep(ev.arg));
      case 'transfer':
        return this.#transferStep(ev);
      case 'abort':
        this.transfer.abort();
        return;
      case 'transfer-status':
        this.control.transferStatus(this.transfer.bytes);
        return;
      case 'auth-tls':
        return this.#startTls();
      case 'quit':
        this.data.reset();
        return;
      case 'end':
        this.connection.flush();
        this.connection.closeWhenDone();
        return;
      case 'stopped':
        return this.#faults.act({
          answer: (reply) => this.control.resumeStopped(reply),
          goOn: () => this.control.resumeStopped(),
        });
    }
  }

  /**
   * Idle: 421 and close — unless a transfer runs or we owe the client a reply (a password
   * check, a slow disk): its silence is then ours, and the kit watches again. A transfer ends
   * by its own timeouts on the data connection (425, 426), not by the session's 421. Read (a
   * command line left half-sent, the client's doing whatever we are busy with): 421 and close.
   * A client that does not read (write) gets the kit's reset.
   */
  timedOut(phase: TimeoutPhase): boolean {
    if (phase === 'write') return false;
    const connection = this.connection;
    if (connection.closing) {
      connection.close();
      return true;
    }
    if (phase === 'idle' && this.control.pendingDecision !== null) return true;
    connection.closing = true;
    this.control.timedOut();
    connection.flush();
    connection.closeWhenDone();
    return true;
  }

  /** The connection ended: a transfer still running is cut, the data setup dropped. */
  closed(): void {
    this.#faults.cancel();
    this.transfer.cancel();
    this.data.reset();
  }

  /**
   * What transfers see of this connection. An object of its own: its `closed` (whether the
   * control connection is gone) is not the handler's `closed()` (the kit telling it so).
   */
  #transferHost(): TransferHost {
    const handler = this;
    return {
      service: this.service,
      data: this.data,
      map: this.map,
      get clock() {
        return handler.clock;
      },
      get observer() {
        return handler.observer;
      },
      get peer() {
        return handler.peer;
      },
      get closed() {
        return handler.connection.isClosed;
      },
      get user() {
        return handler.user;
      },
      touch: () => this.touch(),
      started: (note) => this.started(note),
      finished: (value) => this.finished(value),
    };
  }

  /** A step that answers the control session: its unexpected error answers 451, reading on. */
  #decided(work: Promise<void>): Promise<void> {
    return work.catch((err: unknown) => {
      this.observer.error?.(err, this.peer);
      this.control.actionFailed();
    });
  }

  /**
   * A transfer runs beside the connection, so ABOR, STAT and NOOP are read and answered while
   * it does; its final reply lets the commands waiting for it run. Once the client has sent its
   * FIN nothing more can come, and the connection holds its events (and its close) until the
   * transfer ends.
   */
  #transferStep(ev: Extract<FtpServerEvent, { readonly type: 'transfer' }>): void | Promise<void> {
    const files = this.#fileHost();
    if (files === null) {
      this.control.transferDone({ code: 530, lines: ['Please log in first.'] });
      return;
    }
    const work = this.#decided(this.transfer.run(ev, files, this.#faults.takeCut()));
    if (this.#session.inputEnded) return work;
    work.then(
      () => this.connection.pump(),
      (err: unknown) => this.connection.handleUncaught(err),
    );
  }

  /**
   * A command's facts for fault rules: the verb, the user, and a path argument resolved
   * against the working directory as the file commands resolve it.
   */
  #facts(command: string, arg: string): CommandFacts {
    const user = this.control.user;
    const files = this.#files;
    let path: string | undefined;
    if (files !== null && pathArgument(command, arg)) {
      const target = command === 'MFMT' ? arg.slice(arg.indexOf(' ') + 1) : arg;
      const resolved = resolveVirtualPath(
        files.cwd,
        command === 'LIST' || command === 'NLST' ? stripListOptions(target) : target,
      );
      if (resolved.ok) path = resolved.value;
    }
    return {
      command,
      ...(user === null ? {} : { user }),
      ...(path === undefined ? {} : { path }),
    };
  }

  async #loginStep(user: string, password: string): Promise<void> {
    const outcome = await this.#login.pass(user, password);
    if (outcome.type === 'granted') {
      this.#files = { jail: outcome.grant.jail, cwd: '/' };
      this.control.acceptLogin(outcome.grant.permissions);
    } else if (outcome.type === 'close') {
      this.control.refuseLoginAndClose(outcome.reply);
    } else {
      this.control.refuseLogin(outcome.reply);
    }
  }

  /** The view of the user's files that file commands and transfers work on. */
  #fileHost(): FileCommandHost | null {
    const files = this.#files;
    if (files === null) return null;
    return {
      jail: files.jail,
      cwd: files.cwd,
      permissions: this.control.permissions,
      mlstFacts: this.control.mlstFacts,
    };
  }

  /** Keeps a working directory a file command changed (CWD, CDUP). */
  #syncCwd(host: FileCommandHost): void {
    if (this.#files !== null && this.#files.jail === host.jail) this.#files.cwd = host.cwd;
  }

  async #fileStep(verb: string, arg: string, from: string | undefined): Promise<void> {
    const host = this.#fileHost();
    if (host === null) {
      this.control.answer({ code: 530, lines: ['Please log in with USER and PASS first.'] });
      return;
    }
    const answer = await runFileCommand(host, verb, arg, from);
    this.#syncCwd(host);
    this.control.answer(answer);
  }

  async #statStep(arg: string): Promise<void> {
    const host = this.#fileHost();
    if (host === null) {
      this.control.answer({ code: 530, lines: ['Please log in with USER and PASS first.'] });
      return;
    }
    this.control.answer(await this.transfer.statCommand(arg, host));
  }

  /**
   * AUTH TLS (RFC 4217): the 234 goes out in the clear, then the handshake, bounded by the
   * kit's handshake timeout; bytes the client sent before it are refused as injected.
   */
  async #startTls(): Promise<void> {
    const tls = this.service.options.tls;
    if (tls === undefined) {
      this.connection.close();
      return;
    }
    if (await this.connection.startTls(tls, this.#session.takeLeftover()))
      this.control.tlsStarted();
  }
}

/** Whether a command's argument names a path (a file, a directory, a listing's target). */
function pathArgument(verb: string, arg: string): boolean {
  if (verb === 'PWD' || verb === 'CDUP') return false;
  if (FILE_VERBS.has(verb) || TRANSFER_VERBS.has(verb)) return verb !== 'STOU' || arg !== '';
  return verb === 'STAT' ? arg.trim() !== '' : /^X(CWD|MKD|RMD)$/.test(verb);
}
