/**
 * `FtpSession`: the glue between one FTP control connection and its sans-I/O state machine,
 * {@link FtpControlSession}. The state machine decides what each command means and replies; this
 * carries out its events — logins in `session-login.ts`, data setup in `session-data-setup.ts`,
 * file commands in `file-commands.ts`, transfers in `session-transfer.ts`, AUTH TLS here — and
 * adds what needs a clock or a socket: the command-rate limit, timeouts, backpressure.
 */

import type { ChannelSocket } from '../../../dispatch/index.js';
import { pendingOutputBound } from '../../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../../server/server-channel.js';
import type { SSLContext } from '../../../socket/index.js';
import { FtpControlSession } from '../codec/control-session.js';
import type { FtpControlEvent } from '../codec/control-session-types.js';
import type { Reply } from '../codec/reply.js';
import { DataConnector } from './data-connector.js';
import { type FileCommandHost, runFileCommand } from './file-commands.js';
import type { FtpJail } from './ftp-jail.js';
import type { FtpServiceContext } from './ftp-service-context.js';
import { activeCommand, localFamily, passiveCommand } from './session-data-setup.js';
import { SessionLogin } from './session-login.js';
import { SessionTransfer } from './session-transfer.js';

/** What login gave the session: the user's tree and where they are in it. */
interface Files {
  readonly jail: FtpJail;
  cwd: string;
}

/**
 * The server side of one FTP control connection.
 *
 * @example
 * new FtpSession(socket, { release, limits, clock, observer }, serviceContext);
 */
export class FtpSession extends ServerChannel {
  readonly service: FtpServiceContext;
  readonly data: DataConnector;
  readonly transfer: SessionTransfer;
  /** The control connection's protocol state. */
  readonly control: FtpControlSession;
  readonly #login: SessionLogin;
  #files: Files | null = null;
  /** The client closed its sending side: answer what it sent, then close. */
  #inputEnded = false;
  #tokens: number;
  #tokensAt: number;
  #closed = false;
  /** Commands wait because replies over `limits.maxPendingOutput` are queued. */
  #held = false;

  /**
   * @param sock The accepted control socket.
   * @param options The server-channel options (release, limits, clock, observer, map).
   * @param service The service's shared settings.
   */
  constructor(sock: ChannelSocket, options: ServerChannelOptions, service: FtpServiceContext) {
    super(sock, options);
    this.service = service;
    const peerHost = this.peerHost;
    this.data = new DataConnector(peerHost);
    this.control = new FtpControlSession({
      maxLineLength: Math.min(this.limits.maxRequestSize, 4096),
      maxPendingOutput: pendingOutputBound(this.limits),
      peerHost,
      localFamily: localFamily(this.localHost),
      tls: service.options.tls !== undefined,
      requireTls: service.options.requireTls ?? false,
      anonymous: service.options.anonymous ?? false,
      ...(service.options.banner === undefined ? {} : { banner: service.options.banner }),
    });
    this.transfer = new SessionTransfer(this);
    this.#login = new SessionLogin(this);
    this.#tokens = Math.max(service.maxCommandsPerSecond, 1) * 2;
    this.#tokensAt = this.clock.now();
    this.#flush();
  }

  /** Whether the control connection is gone. */
  get closed(): boolean {
    return this.socket === null;
  }

  /** The logged-in user's name, or null. */
  get user(): string | null {
    return this.control.user;
  }

  /** AUTH TLS is in force on the control connection. */
  get secure(): boolean {
    return this.control.secure;
  }

  /** The peer's IP address. */
  get peerHost(): string {
    return Array.isArray(this.addr) ? String(this.addr[0]) : '';
  }

  /** The control connection's own address (passive listeners bind to it). */
  get localHost(): string {
    try {
      return String((this.socket?.getsockname() as [string, number] | undefined)?.[0] ?? '');
    } catch {
      return '';
    }
  }

  /** The passive port range in force. */
  get passivePorts(): readonly [number, number] | null {
    return this.service.options.passivePorts ?? null;
  }

  /** The address PASV announces (`''`: the local one). */
  get passiveAddress(): string {
    return this.service.options.passiveAddress ?? '';
  }

  /**
   * Sends the 150 of the transfer running.
   *
   * @param note The text after `150 `.
   */
  started(note: string): void {
    this.control.transferStarted(note);
    this.#flush();
  }

  /**
   * Sends the final reply of the transfer running.
   *
   * @param value The reply.
   */
  finished(value: Reply): void {
    this.control.transferDone(value);
    this.#flush();
  }

  override readable(): boolean {
    return !this.#inputEnded && this.control.wantsInput && !this.#overBound();
  }

  /**
   * Whether the replies queued are over `limits.maxPendingOutput`: then no command is read or
   * run (a flood of STAT or NOOP from a client that reads nothing) until the client reads.
   */
  #overBound(): boolean {
    if (this.queuedBytes <= pendingOutputBound(this.limits)) return false;
    this.#held = true;
    return true;
  }

  /** Sends what the socket takes; back under the bound, the commands held back run. */
  override initiateSend(): void {
    super.initiateSend();
    if (this.#held && this.socket !== null && !this.#overBound()) {
      this.#held = false;
      this.#pump();
    }
  }

  override handleClose(): void {
    // A client that half-closes after pipelining its commands (`nc -N`, a script) still gets
    // every reply: the channel closes once the commands already received are answered. A
    // control connection that ends during a transfer still cuts it (an abandoned upload must
    // not stand as a complete file).
    const pending = !this.control.idle;
    if (this.socket !== null && !this.#closed && pending && !this.control.transferActive) {
      this.#inputEnded = true;
      return;
    }
    super.handleClose();
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#closed) return;
    const commands = this.control.receiveData(data);
    for (let i = 0; i < commands; i++) {
      if (this.#allowCommand()) continue;
      this.observer.log?.('warn', 'FTP command flood', { peer: this.peer });
      this.control.refuseFlood();
      this.#flush();
      this.#closed = true;
      this.closeWhenDone();
      return;
    }
    // A line left half-sent must be finished within readTimeout (slowloris).
    if (this.control.partialCommand) this.requestStarted();
    else this.requestFinished();
    this.#pump();
  }

  /** A token bucket: bursts of twice the rate are fine, a sustained flood is not. */
  #allowCommand(): boolean {
    const rate = this.service.maxCommandsPerSecond;
    if (rate <= 0) return true;
    const now = this.clock.now();
    this.#tokens = Math.min(rate * 2, this.#tokens + ((now - this.#tokensAt) / 1000) * rate);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Passes the control session's replies to the socket; whether there were any. */
  #flush(): boolean {
    const out = this.control.takeOutput();
    if (out.length === 0 || this.socket === null || this.socket.closed) return false;
    this.push(out);
    return true;
  }

  /** Runs the control session's events until it needs input or waits for a decision. */
  #pump(): void {
    while (this.socket !== null && !this.#closed) {
      // Backpressure: commands already read wait until the client reads its replies.
      if (this.#overBound()) return;
      const ev = this.control.nextEvent();
      // Null after writing: the session may have stopped at its output bound with commands
      // still read; once its output is passed on (and under the bound), ask again.
      const wrote = this.#flush();
      if (ev === null) {
        if (wrote) continue;
        break;
      }
      this.#handle(ev);
    }
    if (this.socket === null || this.#closed) return;
    if (this.control.closed || (this.#inputEnded && this.control.idle)) {
      this.closeWhenDone();
      return;
    }
    if (this.control.wantsInput) this.wake();
  }

  /** Carries out one event; those that wait for I/O answer the control session when done. */
  #handle(ev: FtpControlEvent): void {
    switch (ev.type) {
      case 'login':
        this.#decide(this.#loginStep(ev.user, ev.password));
        return;
      case 'logout':
        this.transfer.cancel();
        this.data.reset();
        this.#files = null;
        return;
      case 'passive':
        this.#decide(passiveCommand(this, this.control));
        return;
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
        this.#decide(this.#fileStep(ev.verb, ev.arg, ev.from));
        return;
      case 'stat':
        this.#decide(this.#statStep(ev.arg));
        return;
      case 'transfer': {
        const files = this.#fileHost();
        if (files === null) this.finished({ code: 530, lines: ['Please log in first.'] });
        else this.#decide(this.transfer.run(ev, files));
        return;
      }
      case 'abort':
        this.transfer.abort();
        return;
      case 'transfer-status':
        this.control.transferStatus(this.transfer.bytes);
        return;
      case 'auth-tls': {
        const tls = this.service.options.tls;
        if (tls === undefined) this.close();
        else this.#upgrade(tls);
        return;
      }
      case 'quit':
        this.data.reset();
        return;
    }
  }

  /** Waits for a handler, then reads on; a handler's error answers 451 and reads on too. */
  #decide(work: Promise<void>): void {
    this.guard(
      work.then(
        () => this.#pump(),
        (err: unknown) => {
          this.observer.error?.(err, this.peer);
          this.control.actionFailed();
          this.#flush();
          this.#pump();
        },
      ),
    );
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

  #upgrade(tls: SSLContext): void {
    if (this.outputPending) {
      // Let the 234 go out in the clear first.
      setImmediate(() => this.socket !== null && this.#upgrade(tls));
      return;
    }
    // The channel's upgrade bounds the handshake (handshakeTimeout) and frees both sockets
    // when it fails or the session closes meanwhile.
    this.guard(
      this.upgradeToTls(tls).then((secure) => {
        if (!secure) return;
        this.control.tlsStarted();
        this.#pump();
      }),
    );
  }

  override onIdleTimeout(): void {
    // While we owe the client a reply (a password check, a slow disk) its silence is ours, not
    // idleness: keep the connection (the kit watches again). A stalled transfer has its own
    // timeout on the data connection.
    const waiting = this.control.pendingDecision;
    if (waiting !== null && waiting !== 'transfer' && waiting !== 'status') return;
    this.#timedOut();
  }

  override onReadTimeout(): void {
    // A command line left half-sent is the client's doing, whatever we are busy with.
    this.#timedOut();
  }

  #timedOut(): void {
    this.control.timedOut();
    this.#flush();
    this.closeWhenDone();
  }

  override close(): void {
    this.#closed = true;
    this.transfer.cancel();
    this.data.reset();
    super.close();
  }
}
