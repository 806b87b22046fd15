/**
 * The receiving side of SMTP (RFC 5321) with SIZE (1870), PIPELINING (2920), 8BITMIME (6152),
 * ENHANCEDSTATUSCODES (2034/3463), STARTTLS (3207) and AUTH PLAIN and LOGIN (4954), as a sans-I/O state
 * machine. Every state and transition lives in this file.
 */
import { CommandGate } from '../../../common/command-stop.js';
import { LineSplitter } from '../../../common/line-splitter.js';
import type { MailPath } from './mail-path.js';
import { parseAuthArgument, readAuthResponse, type SmtpAuthStep } from './smtp-auth-exchange.js';
import { parseSmtpCommand, SMTP_NOT_IMPLEMENTED } from './smtp-command.js';
import { SmtpDataReader } from './smtp-data-reader.js';
import { readMailFromArgument, readRcptToArgument } from './smtp-path-argument.js';
import { ABORT_REPLY, ehloReply, helpReply, R, sequence, syntax } from './smtp-replies.js';
import { formatSmtpReply, type SmtpReply } from './smtp-reply.js';
import {
  resolveSmtpOptions,
  type SmtpDecision,
  type SmtpServerEvent,
  type SmtpServerOptions,
} from './smtp-server-types.js';

type Mode = 'command' | 'data' | 'auth-response' | 'tls' | 'closed';

/**
 * One SMTP server connection without the connection: feed it bytes with `receiveData()`, pull
 * events with `nextEvent()`, answer the events that need a decision (`rcpt`, `data-end`,
 * `auth`) and send what `takeOutput()` returns. Pipelined commands are answered in order: while
 * a decision is pending `nextEvent()` returns `null` and later commands wait.
 *
 * Message content: lines longer than `maxDataLineLength` (998 + CRLF, RFC 5321 §4.5.3.1.6)
 * make the message refused with `550 5.6.0` at the final dot (Postfix would accept and split
 * them; refusing keeps stored mail RFC-clean). Bare CR and bare LF are normalised to CRLF by
 * default (Postfix 3.9 `smtpd_forbid_bare_newline = normalize`) or refuse the message with
 * `550 5.6.0` when `bareNewlines: 'reject'`. Either way only `CRLF . CRLF` ends the data.
 *
 * @example
 * const smtp = new SmtpServerSession({ hostname: 'mx.example.test' });
 * smtp.receiveData(Buffer.from('EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<demo@example.test>\r\n'));
 * for (let ev = smtp.nextEvent(); ev !== null; ev = smtp.nextEvent()) {
 *   if (ev.type === 'rcpt') smtp.acceptRecipient();
 * }
 * smtp.takeOutput(); // 220 banner, EHLO lines, 250 2.1.0 Ok, 250 2.1.5 Ok
 */
export class SmtpServerSession {
  readonly #o: Required<Omit<SmtpServerOptions, 'stopCommand'>>;
  /** The `stopCommand` hook and the command line it stopped, until `resumeStopped()`. */
  readonly #gate: CommandGate<string>;
  readonly #commands: LineSplitter;
  #reader: SmtpDataReader | null = null;
  #mode: Mode = 'command';
  #out: Buffer[] = [];
  /** Bytes in `#out`, for `maxPendingOutput`. */
  #outBytes = 0;
  #pending: SmtpDecision | null = null;
  #helo: 'HELO' | 'EHLO' | null = null;
  #tls: boolean;
  #authenticated = false;
  #authStep: SmtpAuthStep = { mechanism: 'PLAIN' };
  #errors = 0;
  #from: MailPath | null = null;
  #recipients: MailPath[] = [];
  #pendingRecipient: MailPath | null = null;

  /**
   * @param options The server name, limits and the extensions to offer.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: SmtpServerOptions) {
    this.#o = resolveSmtpOptions(options);
    this.#gate = new CommandGate(options.stopCommand);
    this.#tls = this.#o.tls;
    this.#commands = new LineSplitter({ maxLineLength: this.#o.maxCommandLineLength });
    this.#reply({ code: 220, text: `${this.#o.hostname} ${this.#o.banner}` });
  }

  /** The decision the session waits for, or `null`. */
  get pendingDecision(): SmtpDecision | null {
    return this.#pending;
  }

  /** Whether the connection is over (after QUIT or too many errors): the glue closes it. */
  get closed(): boolean {
    return this.#mode === 'closed';
  }

  /**
   * Whether part of a command line has arrived without its end: the glue's read timeout runs
   * while this holds (a client trickling a command byte by byte is cut off). Message data is
   * not a command: a slow upload is judged by the idle timeout instead.
   */
  get partialCommand(): boolean {
    return this.#mode !== 'data' && this.#commands.bufferedLength > 0;
  }

  /** Whether message data (after DATA, before its final dot) is being received. */
  get receivingBody(): boolean {
    return this.#mode === 'data';
  }

  /** The `with` protocol for a `Received:` header (RFC 3848): SMTP, ESMTP, ESMTPS, ESMTPSA… */
  get protocolName(): string {
    if (this.#helo !== 'EHLO') return 'SMTP';
    return `ESMTP${this.#tls ? 'S' : ''}${this.#authenticated ? 'A' : ''}`;
  }

  /** Adds bytes received from the client. Ignored once closed or while switching to TLS. */
  receiveData(chunk: Uint8Array): void {
    if (this.#mode === 'closed' || this.#mode === 'tls') return;
    if (this.#mode === 'data' && this.#reader !== null) this.#reader.push(chunk);
    else this.#commands.push(chunk);
  }

  /** Removes and returns the bytes to send to the client. */
  takeOutput(): Buffer {
    const out = Buffer.concat(this.#out);
    this.#out = [];
    this.#outBytes = 0;
    return out;
  }

  /**
   * After a `starttls` event: the bytes that arrived after the STARTTLS line. They belong to the
   * TLS handshake, never to SMTP (RFC 3207 §6, CVE-2011-0411), so the glue feeds them to TLS.
   */
  takeBuffered(): Buffer {
    return this.#commands.takeBuffered();
  }

  /** Returns the next event, or `null` when more input or a decision is needed. */
  nextEvent(): SmtpServerEvent | null {
    for (;;) {
      if (this.#pending !== null) return null;
      if (this.#mode === 'data') {
        const ev = this.#dataEvent();
        if (ev !== null || this.#mode === 'data') return ev;
        continue;
      }
      if (this.#mode === 'closed' || this.#mode === 'tls') return null;
      // Backpressure: the next command waits until the replies so far are taken.
      if (this.#outBytes > this.#o.maxPendingOutput) return null;
      const resumed = this.#gate.takeResumed();
      if (resumed !== null) {
        const ev = this.#command(resumed, false);
        if (ev !== null) return ev;
        continue;
      }
      const line = this.#commands.next();
      if (line === null) return null;
      let ev: SmtpServerEvent | null;
      if (line.type === 'too-long') {
        ev = this.#error(this.#mode === 'auth-response' ? R.authLineTooLong : R.lineTooLong);
        if (this.#mode === 'auth-response') this.#mode = 'command';
      } else if (line.ending === 'lf' && this.#o.bareNewlines === 'reject') {
        if (this.#mode === 'auth-response') this.#mode = 'command';
        ev = this.#error(R.bareLf);
      } else if (this.#mode === 'auth-response') {
        this.#mode = 'command';
        ev = this.#authResponse(line.line.toString('latin1'));
      } else {
        ev = this.#command(line.line.toString('latin1'), true);
      }
      if (ev !== null) return ev;
    }
  }

  /**
   * Ends the wait of a `stopped` event.
   * @param reply One reply line (no line end) sent instead of the command's own answer: the
   *   command has no effect. Without it the command is carried out.
   * @throws {Error} If no command is stopped.
   */
  resumeStopped(reply?: string): void {
    this.#decide('command');
    this.#gate.resume(reply === undefined);
    if (reply === undefined) return;
    const bytes = Buffer.from(`${reply}\r\n`, 'latin1');
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  /**
   * Accepts the recipient of the pending `rcpt` event.
   * @param reply The reply to send instead of `250 2.1.5 Ok`.
   * @throws {Error} If no recipient decision is pending.
   */
  acceptRecipient(reply: SmtpReply = R.rcptOk): void {
    this.#decide('recipient');
    if (this.#pendingRecipient !== null) this.#recipients.push(this.#pendingRecipient);
    this.#pendingRecipient = null;
    this.#reply(reply);
  }

  /**
   * Refuses the recipient of the pending `rcpt` event.
   * @param reply The reply, `550 5.1.1 … User unknown` by default (4xx for a temporary refusal).
   * @throws {Error} If no recipient decision is pending.
   */
  refuseRecipient(reply: SmtpReply = R.rcptRefused): void {
    this.#decide('recipient');
    this.#pendingRecipient = null;
    this.#reply(reply);
  }

  /**
   * Confirms the message of the pending `data-end` event was stored; the transaction ends.
   * @param reply The reply, `250 2.0.0 Ok: queued` by default (add a queue id to its text).
   * @throws {Error} If no message decision is pending.
   */
  acceptMessage(reply: SmtpReply = R.queued): void {
    this.#decide('message');
    this.#resetTransaction();
    this.#reply(reply);
  }

  /**
   * Reports the message of the pending `data-end` event was not stored; the transaction ends.
   * @param reply The reply, `451 4.3.0 Error: queue file write error` by default.
   * @throws {Error} If no message decision is pending.
   */
  refuseMessage(reply: SmtpReply = R.notQueued): void {
    this.#decide('message');
    this.#resetTransaction();
    this.#reply(reply);
  }

  /**
   * Accepts the credentials of the pending `auth` event (`235 2.7.0`).
   * @throws {Error} If no auth decision is pending.
   */
  acceptAuth(): void {
    this.#decide('auth');
    this.#authenticated = true;
    this.#reply(R.authOk);
  }

  /**
   * Refuses the credentials of the pending `auth` event.
   * @param reply The reply, `535 5.7.8 Authentication credentials invalid` by default.
   * @throws {Error} If no auth decision is pending.
   */
  refuseAuth(reply: SmtpReply = R.authFailed): void {
    this.#decide('auth');
    this.#reply(reply);
  }

  /**
   * Refuses the credentials of the pending `auth` event and ends the session: the client has
   * failed too often (`535 5.7.8`, then `421 4.7.0`). The session reads nothing more; the glue
   * sends the output and closes the connection.
   * @throws {Error} If no auth decision is pending.
   */
  refuseAuthAndClose(): void {
    this.#decide('auth');
    this.#reply(R.authFailed);
    this.#reply(R.tooManyAuthFailures);
    this.#mode = 'closed';
  }

  /**
   * Tells the session the TLS handshake after `starttls` succeeded: everything known before is
   * forgotten (RFC 3207 §4.2) and the client must send EHLO again.
   * @throws {Error} If the session is not switching to TLS.
   */
  tlsStarted(): void {
    if (this.#mode !== 'tls') throw new Error('tlsStarted() without a pending STARTTLS');
    this.#mode = 'command';
    this.#tls = true;
    this.#helo = null;
    this.#authenticated = false;
    this.#resetTransaction();
  }

  #decide(kind: SmtpDecision): void {
    if (this.#pending !== kind) throw new Error(`no ${kind} decision is pending`);
    this.#pending = null;
  }

  #reply(reply: SmtpReply): void {
    const bytes = formatSmtpReply(reply);
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  /** Answers an error and hangs up after too many, as Postfix's smtpd_hard_error_limit does. */
  #error(reply: SmtpReply): SmtpServerEvent | null {
    this.#reply(reply);
    if (++this.#errors < this.#o.maxErrors) return null;
    this.#reply(R.tooManyErrors);
    this.#mode = 'closed';
    return { type: 'close', reason: 'too-many-errors' };
  }

  #resetTransaction(): void {
    this.#from = null;
    this.#recipients = [];
  }

  /** One command line; `ask`: the glue's `stopCommand` may stop it first. */
  #command(line: string, ask: boolean): SmtpServerEvent | null {
    const command = parseSmtpCommand(line);
    if (command === null) return this.#error(R.badSyntax);
    const { verb, arg } = command;
    if (ask && verb !== '' && this.#gate.stops(verb, arg, line)) {
      this.#pending = 'command';
      return { type: 'stopped', verb };
    }
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        return this.#hello(verb, arg);
      case 'MAIL':
        return this.#mail(arg);
      case 'RCPT':
        return this.#rcpt(arg);
      case 'DATA':
        return this.#data(arg);
      case 'RSET':
        if (arg !== '') return this.#error(syntax('Syntax: RSET'));
        this.#resetTransaction();
        this.#reply(R.ok);
        return null;
      case 'NOOP':
        this.#reply(R.ok);
        return null;
      case 'QUIT':
        this.#reply(R.bye);
        this.#mode = 'closed';
        return { type: 'quit' };
      case 'VRFY':
        if (arg === '') return this.#error(syntax('Syntax: VRFY address'));
        this.#reply(R.vrfy);
        return null;
      case 'HELP':
        this.#reply(helpReply(this.#offersStartTls(), this.#o.auth));
        return null;
      case 'STARTTLS':
        return this.#starttls(arg);
      case 'AUTH':
        return this.#auth(arg);
      default:
        if (SMTP_NOT_IMPLEMENTED.has(verb)) return this.#error(R.notImplemented);
        return this.#error(line === '' ? R.badSyntax : R.unknown);
    }
  }

  #offersStartTls(): boolean {
    return this.#o.startTls && !this.#tls;
  }

  #offersAuth(): boolean {
    return this.#o.auth && (this.#tls || !this.#o.authRequiresTls) && !this.#authenticated;
  }

  #hello(verb: 'EHLO' | 'HELO', arg: string): SmtpServerEvent | null {
    if (arg === '' || arg.includes(' ')) return this.#error(syntax(`Syntax: ${verb} hostname`));
    this.#helo = verb;
    this.#resetTransaction();
    if (verb === 'HELO') {
      this.#reply({ code: 250, text: this.#o.hostname });
    } else {
      const o = this.#o;
      this.#reply(
        ehloReply(o.hostname, o.maxMessageSize, this.#offersStartTls(), this.#offersAuth()),
      );
    }
    return { type: 'helo', extended: verb === 'EHLO', domain: arg };
  }

  #mail(arg: string): SmtpServerEvent | null {
    if (this.#helo === null) return this.#error(R.sendHelo);
    if (this.#from !== null) return this.#error(sequence('Error: nested MAIL command'));
    if (this.#o.requireAuth && !this.#authenticated) {
      return this.#error(R.authRequired);
    }
    const o = this.#o;
    const parsed = readMailFromArgument(arg, {
      extended: this.#helo === 'EHLO',
      maxMessageSize: o.maxMessageSize,
      auth: o.auth,
      maxPathLength: o.maxPathLength,
    });
    if (!parsed.ok) return this.#error(parsed.reply);
    this.#from = parsed.path;
    this.#recipients = [];
    this.#reply(R.mailOk);
    return { type: 'mail', from: parsed.path, params: parsed.params };
  }

  #rcpt(arg: string): SmtpServerEvent | null {
    if (this.#from === null) return this.#error(sequence('Error: need MAIL command'));
    const parsed = readRcptToArgument(arg, this.#o.maxPathLength);
    if (!parsed.ok) return this.#error(parsed.reply);
    if (this.#recipients.length >= this.#o.maxRecipients) {
      this.#reply(R.tooManyRecipients);
      return null;
    }
    this.#pendingRecipient = parsed.path;
    this.#pending = 'recipient';
    return { type: 'rcpt', to: parsed.path, params: parsed.params };
  }

  #data(arg: string): SmtpServerEvent | null {
    if (arg !== '') return this.#error(syntax('Syntax: DATA'));
    if (this.#from === null) return this.#error(sequence('Error: need RCPT command'));
    if (this.#recipients.length === 0) {
      return this.#error(R.noValidRecipients);
    }
    this.#reply(R.startData);
    this.#mode = 'data';
    this.#reader = new SmtpDataReader(this.#o);
    this.#reader.push(this.#commands.takeBuffered());
    return { type: 'data-start', from: this.#from, recipients: [...this.#recipients] };
  }

  /** Turns the reader's results into events; at the end, answers or asks for a decision. */
  #dataEvent(): SmtpServerEvent | null {
    const reader = this.#reader!;
    const ev = reader.next();
    if (ev === null) return null;
    if (ev.type === 'data') return ev;
    if (ev.type === 'abort') return { type: 'data-abort', reason: ev.reason };
    this.#mode = 'command';
    this.#commands.push(reader.takeBuffered());
    this.#reader = null;
    if (ev.aborted !== null) {
      this.#resetTransaction();
      this.#reply(ABORT_REPLY[ev.aborted]);
      return null;
    }
    this.#pending = 'message';
    return {
      type: 'data-end',
      from: this.#from!,
      recipients: [...this.#recipients],
      size: ev.size,
    };
  }

  #starttls(arg: string): SmtpServerEvent | null {
    if (!this.#offersStartTls()) return this.#error(R.notImplemented);
    if (arg !== '') return this.#error(syntax('Syntax: STARTTLS'));
    if (this.#from !== null) return this.#error(sequence('Error: MAIL transaction in progress'));
    this.#reply(R.startTls);
    this.#mode = 'tls';
    return { type: 'starttls' };
  }

  #auth(arg: string): SmtpServerEvent | null {
    if (!this.#o.auth || (this.#o.authRequiresTls && !this.#tls)) {
      return this.#error(sequence('Error: authentication not enabled'));
    }
    if (this.#helo !== 'EHLO') return this.#error(sequence('Error: send EHLO first'));
    if (this.#authenticated) return this.#error(sequence('Error: already authenticated'));
    if (this.#from !== null) return this.#error(sequence('Error: MAIL transaction in progress'));
    const start = parseAuthArgument(arg);
    if (!start.ok) return this.#error(start.reply);
    this.#authStep = start.step;
    if (start.initial === undefined) {
      this.#reply(start.step.mechanism === 'PLAIN' ? R.authContinue : R.loginUsername);
      this.#mode = 'auth-response';
      return null;
    }
    // LOGIN's initial response is the user name (smtplib sends it so), then the password prompt.
    return this.#authResponse(start.initial);
  }

  /** One line of the AUTH exchange: PLAIN's message, or LOGIN's user name or password. */
  #authResponse(text: string): SmtpServerEvent | null {
    const next = readAuthResponse(this.#authStep, text);
    if (next.type === 'error') return this.#error(next.reply);
    if (next.type === 'prompt') {
      this.#authStep = next.step;
      this.#reply(next.reply);
      this.#mode = 'auth-response';
      return null;
    }
    this.#pending = 'auth';
    return next.event;
  }
}
