/**
 * The POP3 server (RFC 1939) with CAPA (2449), STLS (2595) and AUTH PLAIN (5034), as a sans-I/O
 * state machine AUTHORIZATION → TRANSACTION → UPDATE. Replies follow Dovecot's wording. Every
 * state and transition lives in this file.
 */
import { CommandGate } from '../../../common/command-stop.js';
import { LineSplitter } from '../../../common/line-splitter.js';
import { decodeAuthPlain } from '../auth-plain.js';
import { Pop3Maildrop } from './pop3-maildrop.js';
import type {
  Pop3Decision,
  Pop3Message,
  Pop3ServerEvent,
  Pop3ServerOptions,
} from './pop3-server-types.js';

type Mode = 'authorization' | 'auth-response' | 'transaction' | 'tls' | 'closed';

const PLAINTEXT_DISALLOWED =
  '[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';

/**
 * One POP3 connection without the connection: feed bytes with `receiveData()`, pull events with
 * `nextEvent()`, answer `login`, `retrieve` and `commit-deletions`, and send `takeOutput()`.
 * Deletions are marks until QUIT in TRANSACTION; a dropped connection commits nothing.
 *
 * @example
 * const pop = new Pop3ServerSession({ allowPlaintextAuth: true });
 * pop.receiveData(Buffer.from('USER demo\r\nPASS demo\r\nSTAT\r\n'));
 * const login = pop.nextEvent(); // { type: 'login', mechanism: 'USER', username: 'demo', … }
 * pop.loginSucceeded([{ id: 'm1', size: 120, uid: 'm1' }]);
 * pop.nextEvent(); // null: STAT was answered
 * pop.takeOutput().toString(); // '+OK polyport ready.\r\n+OK\r\n+OK Logged in.\r\n+OK 1 120\r\n'
 */
export class Pop3ServerSession {
  readonly #o: Required<Omit<Pop3ServerOptions, 'apopTimestamp' | 'stopCommand'>>;
  readonly #timestamp: string | undefined;
  /** The `stopCommand` hook and the command line it stopped, until `resumeStopped()`. */
  readonly #gate: CommandGate<string>;
  readonly #lines: LineSplitter;
  #mode: Mode = 'authorization';
  #pending: Pop3Decision | null = null;
  #out: Buffer[] = [];
  /** Bytes in `#out`, for `maxPendingOutput`. */
  #outBytes = 0;
  #tls: boolean;
  #user: string | null = null;
  #errors = 0;
  #drop = new Pop3Maildrop([]);
  /** An event a decision produced (the `quit` after a commit), for the next `nextEvent()`. */
  #queued: Pop3ServerEvent | null = null;

  /**
   * @param options Greeting, APOP timestamp, TLS and limits.
   * @throws {RangeError} If a limit is not a positive integer or the timestamp is not `<…>`.
   */
  constructor(options: Pop3ServerOptions = {}) {
    this.#o = {
      greeting: 'polyport ready.',
      stls: false,
      tls: false,
      allowPlaintextAuth: false,
      maxLineLength: 1024,
      maxErrors: 10,
      maxPendingOutput: Number.POSITIVE_INFINITY,
      ...options,
    };
    this.#gate = new CommandGate(options.stopCommand);
    for (const key of ['maxLineLength', 'maxErrors'] as const) {
      if (!Number.isSafeInteger(this.#o[key]) || this.#o[key] < 1) {
        throw new RangeError(`${key} must be a positive integer, got ${this.#o[key]}`);
      }
    }
    const ts = options.apopTimestamp;
    if (ts !== undefined && !/^<[\x21-\x3d\x3f-\x7e]+>$/.test(ts)) {
      throw new RangeError(`apopTimestamp must look like <unique@host>, got ${ts}`);
    }
    this.#timestamp = ts;
    this.#tls = this.#o.tls;
    this.#lines = new LineSplitter({ maxLineLength: this.#o.maxLineLength });
    this.#ok(ts === undefined ? this.#o.greeting : `${this.#o.greeting} ${ts}`);
  }

  /** The decision the session waits for, or `null`. */
  get pendingDecision(): Pop3Decision | null {
    return this.#pending;
  }

  /** Whether part of a command line has arrived without its end (the glue's read timeout). */
  get partialCommand(): boolean {
    return this.#lines.bufferedLength > 0;
  }

  /** Whether the session is over: the glue sends `takeOutput()` and closes. */
  get closed(): boolean {
    return this.#mode === 'closed';
  }

  /** The logged-in user, or `null` before login. */
  get username(): string | null {
    return this.#mode === 'transaction' || this.#mode === 'closed' ? this.#user : null;
  }

  /** Adds bytes received from the client. Ignored once closed or while switching to TLS. */
  receiveData(chunk: Uint8Array): void {
    if (this.#mode !== 'closed' && this.#mode !== 'tls') this.#lines.push(chunk);
  }

  /** Removes and returns the bytes to send to the client. */
  takeOutput(): Buffer {
    const out = Buffer.concat(this.#out);
    this.#out = [];
    this.#outBytes = 0;
    return out;
  }

  /** After `starttls`: bytes received after the STLS line, which belong to TLS, not POP3. */
  takeBuffered(): Buffer {
    return this.#lines.takeBuffered();
  }

  /** Returns the next event, or `null` when more input or a decision is needed. */
  nextEvent(): Pop3ServerEvent | null {
    if (this.#queued !== null) {
      const ev = this.#queued;
      this.#queued = null;
      return ev;
    }
    while (this.#pending === null && this.#mode !== 'closed' && this.#mode !== 'tls') {
      // Backpressure: the next command waits until the responses so far are taken.
      if (this.#outBytes > this.#o.maxPendingOutput) return null;
      const resumed = this.#gate.takeResumed();
      if (resumed !== null) {
        const ev = this.#command(resumed, false);
        if (ev !== null) return ev;
        continue;
      }
      const line = this.#lines.next();
      if (line === null) return null;
      let ev: Pop3ServerEvent | null;
      if (line.type === 'too-long') {
        if (this.#mode === 'auth-response') this.#mode = 'authorization';
        ev = this.#bad('Input line too long.');
      } else if (this.#mode === 'auth-response') {
        this.#mode = 'authorization';
        ev = this.#authResponse(line.line.toString('latin1'));
      } else {
        ev = this.#command(line.line.toString('utf8'), true);
      }
      if (ev !== null) return ev;
    }
    return null;
  }

  /**
   * Completes the pending login: the mailbox is locked and this is its snapshot.
   * @param messages The messages, in the order the client numbers them from 1.
   * @throws {Error} If no login is pending.
   * @throws {RangeError} If a uid is not 1–70 printable characters or a size is negative.
   */
  loginSucceeded(messages: readonly Pop3Message[]): void {
    const drop = new Pop3Maildrop(messages);
    this.#decide('login');
    this.#drop = drop;
    this.#mode = 'transaction';
    this.#ok('Logged in.');
  }

  /**
   * Refuses the pending login (`-ERR [AUTH] Authentication failed.`).
   * @throws {Error} If no login is pending.
   */
  loginFailed(): void {
    this.#decide('login');
    this.#user = null;
    this.#err('[AUTH] Authentication failed.');
  }

  /**
   * Refuses the pending login because another session holds the mailbox (`-ERR [IN-USE]`).
   * @throws {Error} If no login is pending.
   */
  mailboxInUse(): void {
    this.#decide('login');
    this.#user = null;
    this.#err('[IN-USE] Mailbox is locked by another POP3 session.');
  }

  /**
   * Tells the session the message of the pending `retrieve` was sent in full.
   * @throws {Error} If no retrieve is pending.
   */
  retrieveDone(): void {
    this.#decide('retrieve');
  }

  /**
   * Reports the outcome of the pending `commit-deletions`; the session ends either way.
   * @param ok Whether every message was deleted.
   * @throws {Error} If no commit is pending.
   */
  deletionsCommitted(ok = true): void {
    this.#decide('commit');
    if (ok) this.#ok('Logging out, messages deleted.');
    else this.#err('Some deleted messages were not removed.');
    this.#mode = 'closed';
    this.#queued = { type: 'quit' };
  }

  /**
   * Tells the session the TLS handshake after `starttls` succeeded: it starts over in
   * AUTHORIZATION, without a new greeting (RFC 2595 §4).
   * @throws {Error} If the session is not switching to TLS.
   */
  tlsStarted(): void {
    if (this.#mode !== 'tls') throw new Error('tlsStarted() without a pending STLS');
    this.#mode = 'authorization';
    this.#tls = true;
    this.#user = null;
  }

  /**
   * Ends the wait of a `stopped` event.
   * @param reply One response line (no line end, `-ERR …`) sent instead of the command's own:
   *   the command has no effect. Without it the command is carried out.
   * @throws {Error} If no command is stopped.
   */
  resumeStopped(reply?: string): void {
    this.#decide('command');
    this.#gate.resume(reply === undefined);
    if (reply !== undefined) this.#write(Buffer.from(`${reply}\r\n`, 'utf8'));
  }

  #decide(kind: Pop3Decision): void {
    if (this.#pending !== kind) throw new Error(`no ${kind} decision is pending`);
    this.#pending = null;
  }

  #write(bytes: Buffer): void {
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  #ok(text: string): void {
    this.#write(Buffer.from(text === '' ? '+OK\r\n' : `+OK ${text}\r\n`, 'utf8'));
  }

  #err(text: string): void {
    this.#write(Buffer.from(`-ERR ${text}\r\n`, 'utf8'));
  }

  #multi(first: string, lines: readonly string[]): void {
    this.#ok(first);
    // A line starting with '.' is stuffed: a uid may begin with one.
    const body = lines.map((l) => `${l.startsWith('.') ? '.' : ''}${l}\r\n`).join('');
    this.#write(Buffer.from(`${body}.\r\n`, 'utf8'));
  }

  /** Answers a bad command and hangs up after too many, as Dovecot does. */
  #bad(text: string): Pop3ServerEvent | null {
    this.#err(text);
    if (++this.#errors < this.#o.maxErrors) return null;
    this.#err('Too many bad commands.');
    this.#mode = 'closed';
    return { type: 'close', reason: 'too-many-errors' };
  }

  #plaintextAllowed(): boolean {
    return this.#tls || this.#o.allowPlaintextAuth;
  }

  /** One command line; `ask`: the glue's `stopCommand` may stop it first. */
  #command(line: string, ask: boolean): Pop3ServerEvent | null {
    if (/[\x00-\x1f\x7f]/.test(line)) return this.#bad('Invalid characters in command.');
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const arg = space === -1 ? '' : line.slice(space + 1);
    if (ask && verb !== '' && this.#gate.stops(verb, arg, line)) {
      this.#pending = 'command';
      return { type: 'stopped', verb };
    }
    if (verb === 'CAPA') return this.#capa();
    if (verb === 'QUIT') return this.#quit();
    if (this.#mode === 'authorization') {
      if (verb === 'USER') return this.#userCommand(arg);
      if (verb === 'PASS') return this.#pass(arg);
      if (verb === 'APOP' && this.#timestamp !== undefined) return this.#apop(arg);
      if (verb === 'AUTH') return this.#auth(arg);
      if (verb === 'STLS') return this.#stls(arg);
    } else {
      switch (verb) {
        case 'STAT':
          return this.#stat();
        case 'LIST':
        case 'UIDL':
          return this.#list(verb, arg);
        case 'RETR':
        case 'TOP':
          return this.#retrieve(verb, arg);
        case 'DELE':
          return this.#dele(arg);
        case 'RSET':
          this.#drop.unmarkAll();
          this.#ok('');
          return null;
        case 'NOOP':
          this.#ok('');
          return null;
      }
    }
    return this.#bad(`Unknown command: ${verb.slice(0, 40)}`);
  }

  #capa(): null {
    const lines = ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (this.#mode === 'authorization') {
      if (this.#plaintextAllowed()) lines.push('USER', 'SASL PLAIN');
      if (this.#o.stls && !this.#tls) lines.push('STLS');
    }
    this.#multi('', lines);
    return null;
  }

  #quit(): Pop3ServerEvent {
    const ids = this.#mode === 'transaction' ? this.#drop.markedIds() : [];
    if (ids.length > 0) {
      this.#pending = 'commit';
      return { type: 'commit-deletions', ids };
    }
    this.#ok('Logging out.');
    this.#mode = 'closed';
    return { type: 'quit' };
  }

  #userCommand(arg: string): Pop3ServerEvent | null {
    if (!this.#plaintextAllowed()) return this.#bad(PLAINTEXT_DISALLOWED);
    if (arg === '') return this.#bad('No username given.');
    this.#user = arg;
    this.#ok('');
    return null;
  }

  #pass(arg: string): Pop3ServerEvent | null {
    if (!this.#plaintextAllowed()) return this.#bad(PLAINTEXT_DISALLOWED);
    if (this.#user === null) return this.#bad('No username given.');
    if (arg === '') return this.#bad('No password given.');
    this.#pending = 'login';
    return {
      type: 'login',
      mechanism: 'USER',
      username: this.#user,
      password: arg,
      authorizationId: '',
    };
  }

  #apop(arg: string): Pop3ServerEvent | null {
    const match = /^(\S+) ([0-9a-fA-F]{32})$/.exec(arg);
    if (match === null) return this.#bad('Invalid APOP parameters.');
    this.#user = match[1]!;
    this.#pending = 'login';
    return {
      type: 'login',
      mechanism: 'APOP',
      username: match[1]!,
      digest: match[2]!.toLowerCase(),
      timestamp: this.#timestamp!,
    };
  }

  #auth(arg: string): Pop3ServerEvent | null {
    if (arg === '') {
      this.#multi('', this.#plaintextAllowed() ? ['PLAIN'] : []);
      return null;
    }
    const [mechanism = '', initial, extra] = arg.split(' ');
    if (mechanism.toUpperCase() !== 'PLAIN' || extra !== undefined) {
      return this.#bad('Unsupported authentication mechanism.');
    }
    if (!this.#plaintextAllowed()) return this.#bad(PLAINTEXT_DISALLOWED);
    if (initial === undefined) {
      this.#write(Buffer.from('+ \r\n'));
      this.#mode = 'auth-response';
      return null;
    }
    return this.#authResponse(initial);
  }

  #authResponse(text: string): Pop3ServerEvent | null {
    if (text === '*') return this.#bad('Authentication aborted by client.');
    let credentials: ReturnType<typeof decodeAuthPlain>;
    try {
      credentials = decodeAuthPlain(text);
    } catch {
      return this.#bad('Invalid base64 data in continued response.');
    }
    this.#user = credentials.username;
    this.#pending = 'login';
    return { type: 'login', mechanism: 'PLAIN', ...credentials };
  }

  #stls(arg: string): Pop3ServerEvent | null {
    if (!this.#o.stls || this.#tls) return this.#bad('TLS is not available.');
    if (arg !== '') return this.#bad('STLS takes no arguments.');
    this.#ok('Begin TLS negotiation now.');
    this.#mode = 'tls';
    return { type: 'starttls' };
  }

  #stat(): null {
    const { count, size } = this.#drop.stat();
    this.#ok(`${count} ${size}`);
    return null;
  }

  #list(verb: 'LIST' | 'UIDL', arg: string): Pop3ServerEvent | null {
    const value = (m: Pop3Message): string => (verb === 'LIST' ? String(m.size) : m.uid);
    if (arg !== '') {
      const found = this.#drop.lookup(arg);
      if (!found.ok) return this.#bad(found.error);
      this.#ok(`${found.index + 1} ${value(found.message)}`);
      return null;
    }
    const lines = this.#drop.visible().map(({ number, message }) => `${number} ${value(message)}`);
    this.#multi(verb === 'LIST' ? `${lines.length} messages:` : '', lines);
    return null;
  }

  #retrieve(verb: 'RETR' | 'TOP', arg: string): Pop3ServerEvent | null {
    const [num = '', lines, extra] = arg.split(' ');
    if (extra !== undefined || (verb === 'TOP') !== (lines !== undefined)) {
      return this.#bad(`${verb}: Invalid parameters.`);
    }
    if (lines !== undefined && !/^\d{1,9}$/.test(lines)) {
      return this.#bad(`Invalid number of lines: ${lines.slice(0, 40)}`);
    }
    const found = this.#drop.lookup(num);
    if (!found.ok) return this.#bad(found.error);
    const m = found.message;
    this.#ok(verb === 'RETR' ? `${m.size} octets` : '');
    this.#pending = 'retrieve';
    return {
      type: 'retrieve',
      id: m.id,
      number: found.index + 1,
      bodyLines: lines === undefined ? undefined : Number(lines),
    };
  }

  #dele(arg: string): Pop3ServerEvent | null {
    const found = this.#drop.lookup(arg);
    if (!found.ok) return this.#bad(found.error);
    this.#drop.mark(found.index);
    this.#ok('Marked to be deleted.');
    return null;
  }
}
