/**
 * `FtpSession`: one FTP control connection — the command queue (with flood protection and the
 * commands that jump it during a transfer), AUTH TLS, and the small commands. Login is in
 * `session-login.ts`, PASV/PORT in `session-data-setup.ts`, file commands in `file-commands.ts`,
 * transfers in `session-transfer.ts`.
 */

import type { ChannelSocket } from '../../dispatch/index.js';
import { pendingOutputBound } from '../../server/limits.js';
import { ServerChannel, type ServerChannelOptions } from '../../server/server-channel.js';
import type { SSLContext } from '../../socket/index.js';
import { parseAuthArg, parsePbszArg, parseProtArg, parseRestArg } from './command-args.js';
import { type CommandEvent, FtpCommandDecoder } from './command-decoder.js';
import { checkCommand, type Permission } from './command-table.js';
import { DataConnector } from './data-connector.js';
import { featReply, helpReply, parseOptsArg } from './features.js';
import { FILE_COMMANDS, type FileCommandHost, runFileCommand } from './file-commands.js';
import type { FtpJail, JailPath } from './ftp-jail.js';
import type { FtpServiceContext } from './ftp-service-context.js';
import { DEFAULT_MLSX_FACTS } from './mlsx.js';
import { encodeReply, type Reply, reply } from './reply.js';
import { activeCommand, passiveCommand } from './session-data-setup.js';
import { SessionLogin } from './session-login.js';
import { SessionTransfer } from './session-transfer.js';
import { parseModeArg, parseStruArg, parseTypeArg, type TransferType } from './transfer-params.js';

/** Commands read ahead of the one being handled; past this the socket is not read (TCP waits). */
const MAX_QUEUED = 32;
/** Commands that act at once even while a transfer runs (RFC 959 4.1.3). */
// QUIT is not among them: it waits its turn, so replies to commands sent before it still go out.
const URGENT = new Set(['ABOR', 'STAT', 'NOOP']);
/** What a handler returns when it has already replied (or must not). */
const NO_REPLY: Reply = { code: 0, lines: [] };

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
  #decoder: FtpCommandDecoder;
  #queue: CommandEvent[] = [];
  #busy = false;
  /** The client closed its sending side: answer what it sent, then close. */
  #inputEnded = false;
  #tokens: number;
  #tokensAt: number;
  readonly #login: SessionLogin;
  #upgrading = false;
  #closed = false;
  /** Commands wait because replies over `limits.maxPendingOutput` are queued. */
  #held = false;
  /** The logged-in user's name, or null. */
  user: string | null = null;
  jail: FtpJail | null = null;
  cwd = '/';
  renameFrom: JailPath | null = null;
  permissions: ReadonlySet<Permission> = new Set();
  type: TransferType = 'ascii';
  rest = 0;
  mlstFacts: readonly string[] = DEFAULT_MLSX_FACTS;
  /** AUTH TLS is in force on the control connection. */
  secure = false;
  /** PROT P: data connections are wrapped in TLS. */
  protPrivate = false;
  #pbsz = false;
  /** After `EPSV ALL`, PORT, EPRT and PASV are refused (RFC 2428 4). */
  epsvAll = false;

  /**
   * @param sock The accepted control socket.
   * @param options The server-channel options (release, limits, clock, observer, map).
   * @param service The service's shared settings.
   */
  constructor(sock: ChannelSocket, options: ServerChannelOptions, service: FtpServiceContext) {
    super(sock, options);
    this.service = service;
    this.#decoder = new FtpCommandDecoder({
      maxLineLength: Math.min(this.limits.maxRequestSize, 4096),
    });
    const peer = Array.isArray(this.addr) ? String(this.addr[0]) : '';
    this.data = new DataConnector(peer);
    this.transfer = new SessionTransfer(this);
    this.#login = new SessionLogin(this);
    this.#tokens = Math.max(service.maxCommandsPerSecond, 1) * 2;
    this.#tokensAt = this.clock.now();
    this.reply(reply(220, service.options.banner ?? 'polyport FTP server ready.'));
  }

  /** Whether the control connection is gone. */
  get closed(): boolean {
    return this.socket === null;
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
   * Sends a reply on the control connection.
   *
   * @param value The reply.
   */
  reply(value: Reply): void {
    if (this.socket === null || this.socket.closed) return;
    this.push(encodeReply(value));
  }

  override readable(): boolean {
    return (
      !this.#inputEnded && !this.#upgrading && this.#queue.length < MAX_QUEUED && !this.#overBound()
    );
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
    const pending = this.#busy || this.#queue.length > 0;
    if (this.socket !== null && !this.#closed && pending && !this.transfer.active) {
      this.#inputEnded = true;
      return;
    }
    super.handleClose();
  }

  override collectIncomingData(data: Buffer): void {
    if (this.#closed) return;
    this.#decoder.receiveData(data);
    for (;;) {
      const ev = this.#decoder.nextEvent();
      if (ev === null) break;
      if (!this.#allowCommand()) {
        this.observer.log?.('warn', 'FTP command flood', { peer: this.peer });
        this.reply(reply(421, 'Too many commands; closing the connection.'));
        this.#closed = true;
        this.#queue = [];
        this.closeWhenDone();
        return;
      }
      this.#queue.push(ev);
    }
    // A line left half-sent must be finished within readTimeout (slowloris).
    if (this.#decoder.bufferedLength > 0) this.requestStarted();
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

  #pump(): void {
    while (this.#queue.length > 0 && this.socket !== null && !this.#upgrading) {
      // Backpressure: commands already read wait until the client reads its replies.
      if (this.#overBound()) return;
      if (this.#busy) {
        // While a transfer runs, ABOR, STAT, QUIT and NOOP jump the queue.
        if (!this.transfer.active) return;
        const index = this.#queue.findIndex((e) => e.type === 'command' && URGENT.has(e.verb));
        if (index === -1) return;
        const [ev] = this.#queue.splice(index, 1) as [CommandEvent & { type: 'command' }];
        this.guard(this.#urgent(ev.verb));
        continue;
      }
      const ev = this.#queue.shift() as CommandEvent;
      if (ev.type === 'error') {
        this.reply(ev.reply);
        continue;
      }
      this.#busy = true;
      this.guard(
        this.#run(ev.verb, ev.arg).then(
          () => this.#done(),
          (err: unknown) => {
            this.observer.error?.(err, this.peer);
            this.reply(reply(451, 'Requested action aborted: local error in processing.'));
            this.#done();
          },
        ),
      );
    }
    if (this.#inputEnded && !this.#busy && this.#queue.length === 0 && this.socket !== null) {
      this.closeWhenDone();
      return;
    }
    if (this.#queue.length < MAX_QUEUED) this.wake();
  }

  #done(): void {
    this.#busy = false;
    this.#pump();
  }

  async #urgent(verb: string): Promise<void> {
    if (verb === 'ABOR') await this.transfer.abort();
    else if (verb === 'STAT') this.reply(this.transfer.status());
    else if (verb === 'NOOP') this.reply(reply(200, 'NOOP ok.'));
  }

  async #run(verb: string, arg: string): Promise<void> {
    const check = checkCommand(verb, arg, {
      loggedIn: this.user !== null,
      permissions: this.permissions,
    });
    if (!check.ok) {
      this.reply(check.reply);
      return;
    }
    const canonical = check.value.verb;
    // RNFR must be followed at once by RNTO (RFC 959 4.1.3): anything else forgets it.
    if (canonical !== 'RNTO' && canonical !== 'RNFR') this.renameFrom = null;
    if (FILE_COMMANDS.has(canonical)) {
      this.reply(await this.#fileCommand(canonical, arg));
      return;
    }
    if (this.transfer.handles(canonical)) {
      await this.transfer.run(canonical, arg);
      return;
    }
    const answer = await this.#other(canonical, arg);
    if (answer !== NO_REPLY) this.reply(answer);
  }

  /** Runs a file command on a view of the session's file state (login gave it a jail). */
  async #fileCommand(verb: string, arg: string): Promise<Reply> {
    const jail = this.jail;
    if (jail === null) return reply(530, 'Please log in with USER and PASS first.');
    const host: FileCommandHost = {
      jail,
      cwd: this.cwd,
      renameFrom: this.renameFrom,
      permissions: this.permissions,
      mlstFacts: this.mlstFacts,
    };
    const answer = await runFileCommand(host, verb, arg);
    this.cwd = host.cwd;
    this.renameFrom = host.renameFrom;
    return answer;
  }

  async #other(verb: string, arg: string): Promise<Reply> {
    const tls = this.service.options.tls;
    switch (verb) {
      case 'USER':
        this.#logout();
        return this.#login.user(arg.trim());
      case 'PASS': {
        if (this.user !== null) return reply(230, 'Already logged in.');
        const outcome = await this.#login.pass(arg);
        if (outcome.type === 'granted') {
          this.user = outcome.grant.user;
          this.jail = outcome.grant.jail;
          this.permissions = outcome.grant.permissions;
          this.cwd = '/';
        } else if (outcome.type === 'close') {
          this.reply(outcome.reply);
          this.closeWhenDone();
          return NO_REPLY;
        }
        return outcome.reply;
      }
      case 'ACCT':
        return reply(502, 'ACCT not implemented; no account is needed.');
      case 'QUIT':
        this.data.reset();
        this.reply(reply(221, 'Goodbye.'));
        this.closeWhenDone();
        return NO_REPLY;
      case 'ABOR':
        await this.transfer.abort();
        return NO_REPLY;
      case 'REIN':
        this.#logout();
        return reply(220, 'Service ready for new user.');
      case 'SYST':
        return reply(215, 'UNIX Type: L8');
      case 'NOOP':
        return reply(200, 'NOOP ok.');
      case 'FEAT':
        return featReply({ tls: tls !== undefined, mlstFacts: this.mlstFacts });
      case 'HELP':
        return helpReply(arg);
      case 'OPTS': {
        const opts = parseOptsArg(arg);
        if (!opts.ok) return opts.reply;
        if (opts.value.command === 'UTF8') return reply(200, 'Always in UTF8 mode.');
        this.mlstFacts = opts.value.facts;
        return reply(200, `MLST OPTS ${this.mlstFacts.map((f) => `${f};`).join('')}`);
      }
      case 'STAT':
        return this.transfer.statCommand(arg);
      case 'TYPE': {
        const t = parseTypeArg(arg);
        if (!t.ok) return t.reply;
        this.type = t.value;
        return reply(200, `Switching to ${t.value === 'ascii' ? 'ASCII' : 'Binary'} mode.`);
      }
      case 'MODE': {
        const m = parseModeArg(arg);
        return m.ok ? reply(200, 'Mode set to S.') : m.reply;
      }
      case 'STRU': {
        const s = parseStruArg(arg);
        return s.ok ? reply(200, 'Structure set to F.') : s.reply;
      }
      case 'REST': {
        const r = parseRestArg(arg);
        if (!r.ok) return r.reply;
        this.rest = r.value;
        return reply(350, `Restart position accepted (${r.value}).`);
      }
      case 'ALLO':
        return reply(202, 'ALLO command ignored.');
      case 'PASV':
      case 'EPSV':
        return passiveCommand(this, verb, arg);
      case 'PORT':
      case 'EPRT':
        return activeCommand(this, verb, arg);
      case 'AUTH':
        return this.#auth(arg);
      case 'PBSZ': {
        if (!this.secure) return reply(503, 'PBSZ needs AUTH TLS first.');
        const p = parsePbszArg(arg);
        if (!p.ok) return p.reply;
        this.#pbsz = true;
        return reply(200, 'PBSZ=0');
      }
      case 'PROT': {
        if (!this.secure) return reply(503, 'PROT needs AUTH TLS first.');
        if (!this.#pbsz) return reply(503, 'PROT needs PBSZ first.');
        const p = parseProtArg(arg);
        if (!p.ok) return p.reply;
        if (p.value === 'C' && this.service.options.requireTls) {
          return reply(534, 'PROT C refused: this server requires protected data connections.');
        }
        this.protPrivate = p.value === 'P';
        return reply(200, `PROT now ${p.value === 'P' ? 'Private' : 'Clear'}.`);
      }
      default:
        return reply(502, 'Command not implemented.');
    }
  }

  #auth(arg: string): Reply {
    const tls = this.service.options.tls;
    if (tls === undefined) return reply(502, 'TLS is not configured on this server.');
    if (this.secure) return reply(503, 'Already using TLS.');
    const mech = parseAuthArg(arg);
    if (!mech.ok) return mech.reply;
    if (this.#decoder.bufferedLength > 0 || this.#queue.length > 0) {
      // RFC 4217 4: the client waits for 234 before its handshake; bytes already here would be
      // lost to the TLS layer, so a client that pipelined them is refused instead.
      return reply(503, 'Commands after AUTH must wait for its reply.');
    }
    this.#upgrading = true;
    this.push(encodeReply(reply(234, `AUTH ${mech.value} successful.`)));
    this.#upgrade(tls);
    return NO_REPLY;
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
        this.#upgrading = false;
        this.secure = true;
        this.#pump();
      }),
    );
  }

  #logout(): void {
    this.transfer.cancel();
    this.data.reset();
    this.user = null;
    this.#login.reset();
    this.jail = null;
    this.cwd = '/';
    this.renameFrom = null;
    this.permissions = new Set();
    this.rest = 0;
    this.type = 'ascii';
  }

  override onIdleTimeout(): void {
    this.reply(reply(421, 'Timeout: closing the control connection.'));
    this.closeWhenDone();
  }

  override onReadTimeout(): void {
    this.onIdleTimeout();
  }

  override close(): void {
    this.#closed = true;
    this.transfer.cancel();
    this.data.reset();
    super.close();
  }
}
