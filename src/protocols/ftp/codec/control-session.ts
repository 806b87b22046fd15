/**
 * `FtpControlSession`: the server side of one FTP control connection (RFC 959, 2228, 2389, 2428,
 * 2577, 3659, 4217) as a sans-I/O state machine. Every state and transition lives in this file:
 * USER/PASS sequencing and login, AUTH TLS then PBSZ then PROT, REST before a transfer, RNFR
 * then RNTO, PASV/EPSV/PORT/EPRT and EPSV ALL, TYPE/MODE/STRU, one transfer at a time with
 * ABOR, STAT and NOOP jumping the queue while it runs, REIN and QUIT. What needs the file tree,
 * a password check, a socket or TLS is an event the glue acts on and answers.
 */

import { CommandGate } from '../../common/command-stop.js';
import { parseAuthArg, parsePbszArg, parseProtArg, parseRestArg } from './command-args.js';
import { type CommandEvent, FtpCommandDecoder } from './command-decoder.js';
import { checkCommand, type Permission } from './command-table.js';
import {
  FILE_VERBS,
  type FileVerb,
  type FtpControlEvent,
  type FtpControlSessionOptions,
  type FtpDecision,
  TRANSFER_VERBS,
  type TransferVerb,
} from './control-session-types.js';
import {
  checkDataTarget,
  epsvReply,
  parseEprtArg,
  parseEpsvArg,
  parsePortArg,
  pasvReply,
} from './data-address.js';
import { featReply, helpReply, parseOptsArg } from './features.js';
import { DEFAULT_MLSX_FACTS } from './mlsx.js';
import { encodeReply, type Reply, reply } from './reply.js';
import { parseModeArg, parseStruArg, parseTypeArg, type TransferType } from './transfer-params.js';

/** Commands that act at once even while a transfer runs (RFC 959 4.1.3). */
// QUIT is not among them: it waits its turn, so replies to commands sent before it still go out.
const URGENT: ReadonlySet<string> = new Set(['ABOR', 'STAT', 'NOOP']);
const ANONYMOUS: ReadonlySet<string> = new Set(['anonymous', 'ftp']);

type Mode = 'command' | 'closed';

/**
 * One FTP control connection without the connection: feed it bytes with `receiveData()`, pull
 * events with `nextEvent()`, answer the events that need a decision and send what
 * `takeOutput()` returns. Commands are answered in order; while a transfer runs, ABOR, STAT and
 * NOOP are answered at once and the rest wait.
 *
 * @example
 * const ftp = new FtpControlSession({ anonymous: true, peerHost: '127.0.0.1' });
 * ftp.receiveData(Buffer.from('USER anonymous\r\nPASS me@example.test\r\nPWD\r\n'));
 * ftp.nextEvent(); // { type: 'logout' }
 * ftp.nextEvent(); // { type: 'login', user: 'anonymous', password: 'me@example.test', anonymous: true }
 * ftp.acceptLogin(['list', 'read']);
 * ftp.nextEvent(); // { type: 'file', verb: 'PWD', arg: '' }
 * ftp.answer({ code: 257, lines: ['"/" is the current directory.'] });
 * ftp.takeOutput().toString(); // 220 …, 331 …, 230 …, 257 …
 */
export class FtpControlSession {
  readonly #decoder: FtpCommandDecoder;
  readonly #banner: string;
  readonly #maxQueued: number;
  readonly #maxPendingOutput: number;
  /** Bytes in `#out`. */
  #outBytes = 0;
  readonly #peerHost: string;
  readonly #localFamily: 4 | 6 | null;
  readonly #tlsOffered: boolean;
  readonly #requireTls: boolean;
  readonly #anonymous: boolean;
  /**
   * The `stopCommand` hook and the command it stopped, until `resumeStopped()`; a command let go
   * on is carried out in its turn without asking again.
   */
  readonly #gate: CommandGate<CommandEvent>;
  #mode: Mode = 'command';
  #queue: CommandEvent[] = [];
  #out: Buffer[] = [];
  #pending: FtpDecision | null = null;
  /** The file event waiting for `answer()`, to arm RNTO after RNFR's 350. */
  #pendingFile: { readonly verb: string; readonly arg: string } | null = null;
  /** The name USER gave, waiting for PASS. */
  #pendingUser: string | null = null;
  /** The name of the `login` event waiting for its decision. */
  #loginUser = '';
  /** A STAT during the transfer waits for `transferStatus()`. */
  #statusPending = false;
  #user: string | null = null;
  #permissions: ReadonlySet<Permission> = new Set();
  /** RNFR's argument once it was answered 350: only an RNTO right after it may use it. */
  #renameFrom: string | null = null;
  #type: TransferType = 'ascii';
  #rest = 0;
  #mlstFacts: readonly string[] = DEFAULT_MLSX_FACTS;
  #secure = false;
  #pbsz = false;
  #protPrivate = false;
  #epsvAll = false;
  /** PASV/EPSV or PORT/EPRT has set up the next data connection. */
  #dataReady = false;
  /** Whether the pending passive setup is EPSV. */
  #extended = false;
  /** The transfer running, for STAT (`RETR a.txt`), or `''`. */
  #current = '';
  /** ABORs waiting for the running transfer to end, each then answered 226. */
  #aborts = 0;

  /**
   * @param options Limits and the server's policy.
   * @throws {RangeError} If `maxLineLength` is not a positive integer.
   */
  constructor(options: FtpControlSessionOptions = {}) {
    this.#decoder = new FtpCommandDecoder({
      maxLineLength: options.maxLineLength ?? 4096,
      ...(options.invalidUtf8 === undefined ? {} : { invalidUtf8: options.invalidUtf8 }),
    });
    this.#banner = options.banner ?? 'polyport FTP server ready.';
    this.#maxQueued = options.maxQueuedCommands ?? 32;
    this.#maxPendingOutput = options.maxPendingOutput ?? Number.POSITIVE_INFINITY;
    this.#peerHost = options.peerHost ?? '';
    this.#localFamily = options.localFamily === undefined ? 4 : options.localFamily;
    this.#tlsOffered = options.tls ?? false;
    this.#requireTls = options.requireTls ?? false;
    this.#anonymous = options.anonymous ?? false;
    this.#gate = new CommandGate(options.stopCommand);
    this.#reply(reply(220, this.#banner));
  }

  /** The logged-in user's name, or `null`. */
  get user(): string | null {
    return this.#user;
  }

  /** The logged-in user's rights. */
  get permissions(): ReadonlySet<Permission> {
    return this.#permissions;
  }

  /** The MLSx facts in force (OPTS MLST). */
  get mlstFacts(): readonly string[] {
    return this.#mlstFacts;
  }

  /** The transfer type (TYPE A or I). */
  get type(): TransferType {
    return this.#type;
  }

  /** AUTH TLS is in force on the control connection. */
  get secure(): boolean {
    return this.#secure;
  }

  /** PROT P: data connections are wrapped in TLS. */
  get protPrivate(): boolean {
    return this.#protPrivate;
  }

  /** The decision the session waits for, or `null`. */
  get pendingDecision(): FtpDecision | null {
    return this.#statusPending ? 'status' : this.#pending;
  }

  /** Whether a transfer command runs (from its event to its `transferDone()`). */
  get transferActive(): boolean {
    return this.#pending === 'transfer';
  }

  /** Whether the connection is over (QUIT, a flood, a timeout, failed logins): close it. */
  get closed(): boolean {
    return this.#mode === 'closed';
  }

  /** Whether nothing is pending: no decision and no command read but not yet handled. */
  get idle(): boolean {
    return this.#pending === null && this.#queue.length === 0;
  }

  /** Whether part of a command line has arrived without its end (the read timeout runs). */
  get partialCommand(): boolean {
    return this.#decoder.bufferedLength > 0;
  }

  /**
   * Whether the glue should read more: not while switching to TLS (those bytes are the
   * handshake's), not once closed, and not while `maxQueuedCommands` wait (TCP holds the rest).
   */
  get wantsInput(): boolean {
    return (
      this.#mode !== 'closed' && this.#pending !== 'tls' && this.#queue.length < this.#maxQueued
    );
  }

  /**
   * Adds bytes received from the client. Ignored once closed or while switching to TLS.
   *
   * @param chunk The bytes.
   * @returns How many complete command lines they finished (for the glue's flood limit).
   */
  receiveData(chunk: Uint8Array): number {
    if (this.#mode === 'closed' || this.#pending === 'tls') return 0;
    this.#decoder.receiveData(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let count = 0;
    for (let ev = this.#decoder.nextEvent(); ev !== null; ev = this.#decoder.nextEvent()) {
      this.#queue.push(ev);
      count++;
    }
    return count;
  }

  /** Removes and returns the bytes to send to the client. */
  takeOutput(): Buffer {
    const out = this.#out.length === 1 ? (this.#out[0] as Buffer) : Buffer.concat(this.#out);
    this.#out = [];
    this.#outBytes = 0;
    return out;
  }

  /** Returns the next event, or `null` when more input or a decision is needed. */
  nextEvent(): FtpControlEvent | null {
    for (;;) {
      if (this.#mode === 'closed' || this.#pending === 'tls') return null;
      if (this.#outBytes > this.#maxPendingOutput) return null;
      if (this.#pending !== null) {
        if (this.#pending !== 'transfer' || this.#statusPending) return null;
        const index = this.#queue.findIndex((e) => e.type === 'command' && URGENT.has(e.verb));
        if (index === -1) return null;
        const [ev] = this.#queue.splice(index, 1) as [CommandEvent & { type: 'command' }];
        const out = this.#urgent(ev.verb);
        if (out !== null) return out;
        continue;
      }
      const ev = this.#queue.shift();
      if (ev === undefined) return null;
      if (ev.type === 'error') {
        this.#reply(ev.reply);
        continue;
      }
      if (!this.#gate.isResumed(ev) && this.#gate.stops(ev.verb, ev.arg, ev)) {
        this.#pending = 'command';
        return { type: 'stopped', verb: ev.verb };
      }
      const out = this.#command(ev.verb, ev.arg);
      if (out !== null) return out;
    }
  }

  /**
   * Ends the wait of a `stopped` event.
   *
   * @param line One reply line (no line end) sent instead of the command's own: the command has
   *   no effect. Without it the command is carried out.
   * @throws {Error} If no command is stopped.
   */
  resumeStopped(line?: string): void {
    this.#decide('command');
    const ev = this.#gate.resume(line === undefined);
    if (ev === null) return;
    if (line === undefined) {
      this.#queue.unshift(ev);
    } else if (this.#mode !== 'closed') {
      const bytes = Buffer.from(`${line}\r\n`, 'utf8');
      this.#out.push(bytes);
      this.#outBytes += bytes.length;
    }
  }

  /**
   * Logs in the user of the pending `login` event (230).
   *
   * @param permissions The user's rights.
   * @throws {Error} If no login decision is pending.
   */
  acceptLogin(permissions: Iterable<Permission>): void {
    this.#decide('login');
    this.#user = this.#loginUser;
    this.#permissions = new Set(permissions);
    this.#reply(reply(230, 'Login successful.'));
  }

  /**
   * Refuses the pending `login` event.
   *
   * @param value The reply (default `530 Login incorrect.`).
   * @throws {Error} If no login decision is pending.
   */
  refuseLogin(value: Reply = reply(530, 'Login incorrect.')): void {
    this.#decide('login');
    this.#reply(value);
  }

  /**
   * Refuses the pending `login` event and ends the session: too many failures (RFC 2577).
   *
   * @param value The reply (default `421 Too many failed logins; closing the connection.`).
   * @throws {Error} If no login decision is pending.
   */
  refuseLoginAndClose(
    value: Reply = reply(421, 'Too many failed logins; closing the connection.'),
  ): void {
    this.#decide('login');
    this.#reply(value);
    this.#close();
  }

  /**
   * The passive listener of the pending `passive` event is open (227 or 229).
   *
   * @param port Its port.
   * @param host The IPv4 address PASV announces (EPSV announces none).
   * @throws {Error} If no passive decision is pending.
   */
  passiveOpened(port: number, host: string): void {
    this.#decide('passive');
    this.#dataReady = true;
    this.#reply(this.#extended ? epsvReply(port) : pasvReply({ host, port }));
  }

  /**
   * The passive listener of the pending `passive` event could not be opened (425).
   *
   * @throws {Error} If no passive decision is pending.
   */
  passiveFailed(): void {
    this.#decide('passive');
    this.#reply(reply(425, 'Cannot open a passive port.'));
  }

  /**
   * Answers the pending `file` or `stat` event. RNFR answered 350 arms the RNTO that must follow.
   *
   * @param value The reply.
   * @throws {Error} If no file decision is pending.
   */
  answer(value: Reply): void {
    if (this.#pending !== 'file') throw new Error('no file decision is pending');
    const file = this.#pendingFile;
    this.#pending = null;
    this.#pendingFile = null;
    if (file?.verb === 'RNFR' && value.code === 350) this.#renameFrom = file.arg;
    this.#reply(value);
  }

  /**
   * The pending `transfer` has its data connection coming: the 150 reply.
   *
   * @param note The text after `150 `.
   * @throws {Error} If no transfer is pending.
   */
  transferStarted(note: string): void {
    if (this.#pending !== 'transfer') throw new Error('no transfer decision is pending');
    this.#reply(reply(150, note));
  }

  /**
   * The pending `transfer` is over (226, 426, 451 …) or could not start (425, 550 …). The data
   * setup is used up; each ABOR sent meanwhile is answered 226 after it.
   *
   * @param value The final reply.
   * @throws {Error} If no transfer is pending.
   */
  transferDone(value: Reply): void {
    this.#decide('transfer');
    this.#dataReady = false;
    this.#current = '';
    this.#reply(value);
    for (; this.#aborts > 0; this.#aborts--) this.#reply(reply(226, 'ABOR successful.'));
  }

  /**
   * Answers the pending `transfer-status` event: how far the transfer has got (213).
   *
   * @param bytes The bytes moved so far.
   * @throws {Error} If no status decision is pending.
   */
  transferStatus(bytes: number): void {
    if (!this.#statusPending) throw new Error('no status decision is pending');
    this.#statusPending = false;
    this.#reply(reply(213, `Status: ${this.#current}: ${bytes} bytes transferred.`));
  }

  /**
   * The TLS handshake after `auth-tls` succeeded: the control connection is secure.
   *
   * @throws {Error} If no TLS upgrade is pending.
   */
  tlsStarted(): void {
    this.#decide('tls');
    this.#secure = true;
  }

  /**
   * The glue failed to act on the pending event (an unexpected error): 451, and the session
   * reads on. A failed transfer uses up its data setup. Without a pending event, nothing.
   */
  actionFailed(): void {
    if (this.#pending === null && !this.#statusPending) return;
    const failed = reply(451, 'Requested action aborted: local error in processing.');
    this.#statusPending = false;
    if (this.#pending === 'transfer') {
      this.transferDone(failed);
      return;
    }
    this.#pending = null;
    this.#pendingFile = null;
    this.#reply(failed);
  }

  /** Too many commands too fast: 421, and the session ends with the commands read dropped. */
  refuseFlood(): void {
    if (this.#mode === 'closed') return;
    this.#reply(reply(421, 'Too many commands; closing the connection.'));
    this.#close();
  }

  /** The idle or read timeout ran out: 421, and the session ends. */
  timedOut(): void {
    if (this.#mode === 'closed') return;
    this.#reply(reply(421, 'Timeout: closing the control connection.'));
    this.#close();
  }

  #close(): void {
    this.#mode = 'closed';
    this.#queue = [];
  }

  #decide(kind: FtpDecision): void {
    if (this.#pending !== kind) throw new Error(`no ${kind} decision is pending`);
    this.#pending = null;
  }

  #reply(value: Reply): void {
    // Once closed (after its last reply: 221, 421) nothing more goes out: a decision that
    // arrives late, as a login checked after the idle timeout, must not answer after the 421.
    if (this.#mode === 'closed') return;
    const bytes = encodeReply(value);
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  /** ABOR, STAT and NOOP while a transfer runs. */
  #urgent(verb: string): FtpControlEvent | null {
    if (verb === 'ABOR') {
      this.#aborts++;
      return { type: 'abort' };
    }
    if (verb === 'STAT') {
      this.#statusPending = true;
      return { type: 'transfer-status' };
    }
    this.#reply(reply(200, 'NOOP ok.'));
    return null;
  }

  #command(verb: string, arg: string): FtpControlEvent | null {
    const check = checkCommand(verb, arg, {
      loggedIn: this.#user !== null,
      permissions: this.#permissions,
    });
    if (!check.ok) {
      this.#reply(check.reply);
      return null;
    }
    const canonical = check.value.verb;
    // RNFR must be followed at once by RNTO (RFC 959 4.1.3): anything else forgets it.
    const from = this.#renameFrom;
    if (canonical !== 'RNTO') this.#renameFrom = null;
    if (FILE_VERBS.has(canonical)) return this.#file(canonical as FileVerb, arg, from);
    if (TRANSFER_VERBS.has(canonical)) return this.#transfer(canonical as TransferVerb, arg);
    switch (canonical) {
      case 'USER':
        return this.#userCommand(arg.trim());
      case 'PASS':
        return this.#pass(arg);
      case 'REIN':
        this.#logout();
        this.#reply(reply(220, 'Service ready for new user.'));
        return { type: 'logout' };
      case 'QUIT':
        this.#reply(reply(221, 'Goodbye.'));
        this.#close();
        return { type: 'quit' };
      case 'ABOR':
        // Nothing runs (a running transfer's ABOR jumps the queue): drop the data setup.
        this.#dataReady = false;
        this.#reply(reply(225, 'No transfer to abort.'));
        return { type: 'data-reset' };
      case 'PASV':
      case 'EPSV':
        return this.#passive(canonical, arg);
      case 'PORT':
      case 'EPRT':
        return this.#active(canonical, arg);
      case 'AUTH':
        return this.#auth(arg);
      case 'STAT':
        if (arg.trim() !== '') {
          // The listing of a path: answered through `answer()`, like a file command.
          this.#pending = 'file';
          return { type: 'stat', arg };
        }
        this.#reply(this.#status());
        return null;
      default:
        this.#reply(this.#setting(canonical, arg));
        return null;
    }
  }

  /** The commands that only read or set session state. */
  #setting(verb: string, arg: string): Reply {
    switch (verb) {
      case 'ACCT':
        return reply(502, 'ACCT not implemented; no account is needed.');
      case 'SYST':
        return reply(215, 'UNIX Type: L8');
      case 'NOOP':
        return reply(200, 'NOOP ok.');
      case 'FEAT':
        return featReply({ tls: this.#tlsOffered, mlstFacts: this.#mlstFacts });
      case 'HELP':
        return helpReply(arg);
      case 'OPTS': {
        const opts = parseOptsArg(arg);
        if (!opts.ok) return opts.reply;
        if (opts.value.command === 'UTF8') return reply(200, 'Always in UTF8 mode.');
        this.#mlstFacts = opts.value.facts;
        return reply(200, `MLST OPTS ${this.#mlstFacts.map((f) => `${f};`).join('')}`);
      }
      case 'TYPE': {
        const t = parseTypeArg(arg);
        if (!t.ok) return t.reply;
        this.#type = t.value;
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
        this.#rest = r.value;
        return reply(350, `Restart position accepted (${r.value}).`);
      }
      case 'ALLO':
        return reply(202, 'ALLO command ignored.');
      case 'PBSZ': {
        if (!this.#secure) return reply(503, 'PBSZ needs AUTH TLS first.');
        const p = parsePbszArg(arg);
        if (!p.ok) return p.reply;
        this.#pbsz = true;
        return reply(200, 'PBSZ=0');
      }
      case 'PROT': {
        if (!this.#secure) return reply(503, 'PROT needs AUTH TLS first.');
        if (!this.#pbsz) return reply(503, 'PROT needs PBSZ first.');
        const p = parseProtArg(arg);
        if (!p.ok) return p.reply;
        if (p.value === 'C' && this.#requireTls) {
          return reply(534, 'PROT C refused: this server requires protected data connections.');
        }
        this.#protPrivate = p.value === 'P';
        return reply(200, `PROT now ${p.value === 'P' ? 'Private' : 'Clear'}.`);
      }
      default:
        return reply(502, 'Command not implemented.');
    }
  }

  /** Forgets the user and everything set up for them (USER, REIN). TLS and PROT stay. */
  #logout(): void {
    this.#pendingUser = null;
    this.#user = null;
    this.#permissions = new Set();
    this.#renameFrom = null;
    this.#rest = 0;
    this.#type = 'ascii';
    this.#dataReady = false;
  }

  /** USER: the reply is the same for unknown users, so USER does not tell who exists. */
  #userCommand(name: string): FtpControlEvent {
    this.#logout();
    if (ANONYMOUS.has(name.toLowerCase())) {
      if (!this.#anonymous) {
        this.#reply(reply(530, 'Anonymous access is not allowed.'));
      } else {
        this.#pendingUser = 'anonymous';
        this.#reply(reply(331, 'Anonymous login ok, send your e-mail address as password.'));
      }
    } else if (this.#requireTls && !this.#secure) {
      this.#reply(reply(530, 'This server requires AUTH TLS before login.'));
    } else {
      this.#pendingUser = name;
      this.#reply(reply(331, `Please specify the password for ${name}.`));
    }
    return { type: 'logout' };
  }

  #pass(password: string): FtpControlEvent | null {
    if (this.#user !== null) {
      this.#reply(reply(230, 'Already logged in.'));
      return null;
    }
    const name = this.#pendingUser;
    if (name === null) {
      this.#reply(reply(503, 'Login with USER first.'));
      return null;
    }
    this.#pendingUser = null;
    this.#pending = 'login';
    this.#loginUser = name;
    return { type: 'login', user: name, password, anonymous: name === 'anonymous' };
  }

  #file(verb: FileVerb, arg: string, from: string | null): FtpControlEvent | null {
    if (verb === 'RNTO') {
      this.#renameFrom = null;
      if (from === null) {
        this.#reply(reply(503, 'RNFR required first.'));
        return null;
      }
      this.#pending = 'file';
      this.#pendingFile = { verb, arg };
      return { type: 'file', verb, arg, from };
    }
    this.#pending = 'file';
    this.#pendingFile = { verb, arg };
    return { type: 'file', verb, arg };
  }

  #transfer(verb: TransferVerb, arg: string): FtpControlEvent | null {
    const rest = this.#rest;
    this.#rest = 0;
    if (this.#requireTls && !this.#protPrivate && this.#user !== 'anonymous') {
      this.#reply(reply(522, 'Data connections must be encrypted: use PBSZ 0 and PROT P.'));
      return null;
    }
    if (!this.#dataReady) {
      this.#reply(reply(425, 'Use PORT, EPRT, PASV or EPSV first.'));
      return null;
    }
    this.#pending = 'transfer';
    this.#current = `${verb} ${arg}`.trim();
    return {
      type: 'transfer',
      verb,
      arg,
      rest,
      ascii: this.#type === 'ascii',
      protected: this.#protPrivate,
    };
  }

  #passive(verb: 'PASV' | 'EPSV', arg: string): FtpControlEvent | null {
    if (verb === 'EPSV') {
      const req = parseEpsvArg(arg);
      if (!req.ok) {
        this.#reply(req.reply);
        return null;
      }
      if (req.value === 'all') {
        this.#epsvAll = true;
        this.#reply(reply(200, 'EPSV ALL ok.'));
        return null;
      }
      const family = this.#localFamily === 6 ? 2 : 1;
      if (typeof req.value === 'number' && req.value !== family) {
        this.#reply(reply(522, `Network protocol not supported, use (${family})`));
        return null;
      }
    } else if (this.#epsvAll) {
      this.#reply(reply(503, 'EPSV ALL in force; use EPSV.'));
      return null;
    } else if (this.#localFamily !== 4) {
      this.#reply(reply(425, 'PASV needs IPv4; use EPSV.'));
      return null;
    }
    // A new PASV replaces the old setup (RFC 959), whether or not its listener opens.
    this.#dataReady = false;
    this.#extended = verb === 'EPSV';
    this.#pending = 'passive';
    return { type: 'passive', extended: this.#extended };
  }

  #active(verb: 'PORT' | 'EPRT', arg: string): FtpControlEvent | null {
    if (this.#epsvAll) {
      this.#reply(reply(503, 'EPSV ALL in force; use EPSV.'));
      return null;
    }
    const target = verb === 'PORT' ? parsePortArg(arg) : parseEprtArg(arg);
    if (!target.ok) {
      this.#reply(target.reply);
      return null;
    }
    const checked = checkDataTarget(this.#peerHost, target.value);
    if (!checked.ok) {
      this.#reply(checked.reply);
      return { type: 'bounce-refused', arg };
    }
    this.#dataReady = true;
    this.#reply(reply(200, `${verb} command successful. Consider using PASV.`));
    return { type: 'active', target: checked.value };
  }

  #auth(arg: string): FtpControlEvent | null {
    if (!this.#tlsOffered) {
      this.#reply(reply(502, 'TLS is not configured on this server.'));
      return null;
    }
    if (this.#secure) {
      this.#reply(reply(503, 'Already using TLS.'));
      return null;
    }
    const mech = parseAuthArg(arg);
    if (!mech.ok) {
      this.#reply(mech.reply);
      return null;
    }
    if (this.#decoder.bufferedLength > 0 || this.#queue.length > 0) {
      // RFC 4217 4: the client waits for 234 before its handshake; bytes already here would be
      // lost to the TLS layer, so a client that pipelined them is refused instead.
      this.#reply(reply(503, 'Commands after AUTH must wait for its reply.'));
      return null;
    }
    this.#reply(reply(234, `AUTH ${mech.value} successful.`));
    this.#pending = 'tls';
    return { type: 'auth-tls', mechanism: mech.value };
  }

  #status(): Reply {
    return reply(
      211,
      'polyport FTP server status:',
      ` Connected to ${this.#peerHost}`,
      ` Logged in as ${this.#user ?? '(nobody)'}`,
      ` TYPE: ${this.#type === 'ascii' ? 'ASCII' : 'BINARY'}, STRUcture: File, MODE: Stream`,
      ` Control connection: ${this.#secure ? 'TLS' : 'plain'}; data connections: ${this.#protPrivate ? 'private' : 'clear'}`,
      ` ${this.#dataReady ? 'Data connection set up' : 'No data connection'}`,
      'End of status',
    );
  }
}
