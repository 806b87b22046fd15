/** One SMTP connection of `startSmtpService`: the session's events turned into Maildir writes. */

import { type CommandFacts, CommandFaults } from '../../../../server/command-faults.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../../server/connection.js';
import { pendingOutputBound } from '../../../../server/limits.js';
import { LoginThrottle } from '../../../../server/login-throttle.js';
import type { RateLimiter } from '../../../../server/rate-limiter.js';
import type { TimeoutPhase, Transport } from '../../../../server/transport.js';
import type { SSLContext } from '../../../../socket/index.js';
import { MessageHead } from '../../codec/message/message-head.js';
import type { MailPath } from '../../codec/smtp/mail-path.js';
import { buildReceivedHeader } from '../../codec/smtp/received-header.js';
import { buildReturnPathHeader } from '../../codec/smtp/return-path-header.js';
import { mailboxFull, R, tooMuchMail } from '../../codec/smtp/smtp-replies.js';
import { formatSmtpReply } from '../../codec/smtp/smtp-reply.js';
import { SmtpServerSession } from '../../codec/smtp/smtp-server-session.js';
import type { SmtpServerEvent, SmtpServerOptions } from '../../codec/smtp/smtp-server-types.js';
import { authenticateMailUser, type MailUser, type PasswordCheck } from '../mail-users.js';
import type { MailboxQuota } from '../maildir/mailbox-quota.js';
import type { MaildirDelivery } from '../maildir/maildir-delivery.js';
import type { MaildirStore } from '../maildir/maildir-store.js';
import { type LocalDelivery, resolveLocalRecipient } from './local-recipient.js';

/** The `auth` event: the credentials and the mechanism that carried them. */
type SmtpAuthEvent = Extract<SmtpServerEvent, { type: 'auth' }>;

/** What every SMTP channel of one service shares. */
export interface SmtpChannelContext extends LocalDelivery {
  readonly hostname: string;
  readonly store: MaildirStore;
  readonly session: SmtpServerOptions;
  readonly tls: SSLContext | undefined;
  readonly checkPassword: PasswordCheck | undefined;
  /** Milliseconds before answering a failed AUTH. */
  readonly failedLoginDelay: number;
  /** Failed AUTH attempts after which the connection is closed. */
  readonly maxLoginAttempts: number;
  /** Every AUTH succeeds and is logged (the mail catcher): no password is checked. */
  readonly acceptAnyAuth: boolean;
  /** Messages per client address and minute, shared by the service's connections; `null`: none. */
  readonly messageRate: RateLimiter | null;
  /** The per-mailbox byte limit; `null`: none. */
  readonly quota: MailboxQuota | null;
  /** A queue id for a new message. */
  readonly nextId: () => string;
}

/** A message being stored: one delivery per distinct local user. */
interface Transaction {
  readonly deliveries: MaildirDelivery[];
  /** The user each delivery is for, in the same order. */
  readonly users: string[];
  readonly id: string;
  /** The client's header block, for the Subject the message event reports. */
  readonly head: MessageHead;
}

/**
 * The SMTP channel: recipients checked against the local users, content streamed into one
 * `MaildirDelivery` per recipient as it arrives (after `Return-Path:` and `Received:`),
 * committed only at the final dot. A dropped
 * connection or a refused message aborts the deliveries, so no partial message is ever seen.
 */
export class SmtpHandler implements SessionHandler<SmtpServerEvent> {
  /** The kit's connection this handler acts for. */
  readonly connection: Connection<SmtpServerEvent>;
  readonly #ctx: SmtpChannelContext;
  readonly #smtp: SmtpServerSession;
  readonly #throttle: LoginThrottle;
  #helo = '';
  /** The current MAIL transaction took its message from the rate already. */
  #counted = false;
  /** The SIZE the client declared at MAIL FROM (0: none). */
  #declaredSize = 0;
  #transaction: Transaction | null = null;
  /** The step in progress, so a close during a write waits for it before aborting. */
  #io: Promise<unknown> = Promise.resolve();
  /** Fault rules at each command and at the end of a message's data. */
  readonly #faults: CommandFaults;
  /** Who AUTH logged in as, for fault rules that match a user. */
  #user: string | null = null;

  /**
   * @param transport The connection's transport.
   * @param settings Limits, observer and clock, from the listener.
   * @param ctx What every connection of the service shares.
   */
  constructor(transport: Transport, settings: ConnectionSettings, ctx: SmtpChannelContext) {
    const smtp = new SmtpServerSession({
      ...ctx.session,
      maxPendingOutput: pendingOutputBound(settings.limits ?? {}),
      ...(settings.observer?.fault === undefined
        ? {}
        : { stopCommand: (verb: string) => this.#faults.check(this.#facts(verb)) }),
    });
    this.#smtp = smtp;
    this.#ctx = ctx;
    this.connection = new Connection({ ...settings, transport, session: smtp, handler: this });
    this.#faults = new CommandFaults(this.connection);
    this.#throttle = new LoginThrottle({
      clock: this.connection.clock,
      delay: ctx.failedLoginDelay,
      maxAttempts: ctx.maxLoginAttempts,
    });
  }

  handleEvent(ev: SmtpServerEvent): void | Promise<void> {
    switch (ev.type) {
      case 'helo':
        this.#helo = ev.domain;
        return;
      case 'mail': {
        this.#counted = false;
        const size = Number(ev.params.get('SIZE') ?? 0);
        this.#declaredSize = Number.isSafeInteger(size) ? size : 0;
        return;
      }
      case 'rcpt':
        return this.#recipient(ev.to);
      case 'data-start':
        return this.#track(this.#begin(ev.from, ev.recipients));
      case 'data':
        return this.#track(this.#write(ev.chunk));
      case 'data-abort':
        return this.#track(this.#abort());
      case 'data-end':
        // Rules match the end of the data as the command `.`, the line that ends it.
        if (this.#faults.armed && this.#faults.check(this.#facts('.'))) {
          return this.#track(this.#faultedEnd(ev));
        }
        return this.#track(this.#commit(ev.from, ev.recipients, ev.size));
      case 'stopped':
        return this.#faults.act({
          answer: (reply) => this.#smtp.resumeStopped(reply),
          goOn: () => this.#smtp.resumeStopped(),
        });
      case 'auth':
        return this.#auth(ev);
      case 'starttls':
        return this.#startTls();
      case 'quit':
      case 'close':
        this.connection.flush();
        this.connection.closeWhenDone();
        return;
    }
  }

  /**
   * Idle, or (read) a command left half-sent or a gap in DATA: 421, as Postfix says it. A
   * client that does not read (write) gets the kit's reset.
   */
  timedOut(phase: TimeoutPhase): boolean {
    if (phase === 'write') return false;
    if (this.connection.busy || this.connection.closing) {
      this.connection.close();
      return true;
    }
    this.connection.closing = true;
    this.connection.write(
      formatSmtpReply({
        code: 421,
        enhanced: '4.4.2',
        text: `${this.#ctx.hostname} Error: timeout exceeded`,
      }),
    );
    this.connection.closeWhenDone();
    return true;
  }

  /** The connection ended: a message not yet committed is discarded. */
  closed(): void {
    this.#faults.cancel();
    const transaction = this.#transaction;
    this.#transaction = null;
    if (transaction !== null) {
      // After any write in flight: aborting closes the file the write uses.
      void this.#io.then(() => abortAll(transaction.deliveries));
    }
  }

  #facts(command: string): CommandFacts {
    return this.#user === null ? { command } : { command, user: this.#user };
  }

  /**
   * A fault at the end of the data: after its delay the message is stored as usual, or, for a
   * reply or a disconnect, never (whatever the reply's code: a 250 there is mail lost).
   */
  async #faultedEnd(ev: Extract<SmtpServerEvent, { type: 'data-end' }>): Promise<void> {
    let answer: string | undefined;
    let goOn = false;
    await this.#faults.act({
      answer: (reply) => {
        answer = reply;
      },
      goOn: () => {
        goOn = true;
      },
    });
    if (goOn) return this.#commit(ev.from, ev.recipients, ev.size);
    await this.#abort();
    if (answer === undefined) return;
    const space = answer.indexOf(' ');
    this.#smtp.refuseMessage({
      code: Number(answer.slice(0, 3)),
      text: space === -1 ? '' : answer.slice(space + 1),
    });
  }

  #track(step: Promise<void>): Promise<void> {
    this.#io = step.catch(() => undefined);
    return step;
  }

  /**
   * RCPT: a local user, within the client's message rate (counted once per transaction, at its
   * first recipient, as MAIL itself is not a decision), and with room in the mailbox.
   */
  #recipient(to: MailPath): void | Promise<void> {
    const decision = resolveLocalRecipient(to, this.#ctx);
    if (!decision.ok) {
      this.#smtp.refuseRecipient(decision.reply);
      return;
    }
    const rate = this.#ctx.messageRate;
    if (!this.#counted && rate !== null) {
      const client = this.#clientAddress();
      if (!rate.allow(client, this.connection.clock.now())) {
        this.connection.observer.log?.('warn', 'SMTP message rate exceeded', {
          peer: this.connection.peer,
        });
        this.#smtp.refuseRecipient(tooMuchMail(client));
        return;
      }
      this.#counted = true;
    }
    const quota = this.#ctx.quota;
    if (quota === null) {
      this.#smtp.acceptRecipient();
      return;
    }
    return quota.fits(decision.user.name, this.#declaredSize).then((fits) => {
      if (fits) this.#smtp.acceptRecipient();
      else this.#smtp.refuseRecipient(mailboxFull(to.address));
    });
  }

  #clientAddress(): string {
    return Array.isArray(this.connection.transport.peerAddress)
      ? String(this.connection.transport.peerAddress[0])
      : 'unknown';
  }

  async #begin(from: MailPath, recipients: readonly MailPath[]): Promise<void> {
    const users = new Map<string, MailUser>();
    for (const to of recipients) {
      const decision = resolveLocalRecipient(to, this.#ctx);
      if (decision.ok) users.set(decision.user.name, decision.user);
    }
    const id = this.#ctx.nextId();
    const transaction: Transaction = { deliveries: [], users: [], id, head: new MessageHead() };
    this.#transaction = transaction;
    // Final delivery: the trace headers go first, in the same file as the content, so they
    // are committed with it or discarded with it.
    const header = Buffer.from(
      buildReturnPathHeader(from) +
        buildReceivedHeader({
          heloName: this.#helo,
          remoteAddress: this.#clientAddress(),
          byHost: this.#ctx.hostname,
          protocol: this.#smtp.protocolName,
          id,
          ...(recipients.length === 1 ? { recipient: recipients[0]!.address } : {}),
          date: new Date(this.connection.clock.now()),
        }),
      'latin1',
    );
    for (const user of users.values()) {
      const box = await this.#ctx.store.maildir(user.name);
      const delivery = await box.beginDelivery();
      if (this.#transaction !== transaction) {
        await delivery.abort();
        return;
      }
      transaction.deliveries.push(delivery);
      transaction.users.push(user.name);
      await delivery.write(header);
    }
  }

  async #write(chunk: Buffer): Promise<void> {
    const transaction = this.#transaction;
    if (transaction === null) return;
    transaction.head.push(chunk);
    await Promise.all(transaction.deliveries.map((d) => d.write(chunk)));
  }

  async #abort(): Promise<void> {
    const transaction = this.#transaction;
    this.#transaction = null;
    if (transaction !== null) await abortAll(transaction.deliveries);
  }

  async #commit(from: MailPath, recipients: readonly MailPath[], size: number): Promise<void> {
    const transaction = this.#transaction;
    this.#transaction = null;
    if (transaction === null) {
      this.#smtp.refuseMessage();
      return;
    }
    if (!(await this.#withinQuota(transaction))) {
      await abortAll(transaction.deliveries);
      this.#smtp.refuseMessage(R.mailboxFull);
      return;
    }
    try {
      for (const delivery of transaction.deliveries) await delivery.commit();
    } catch (err) {
      await abortAll(transaction.deliveries);
      this.connection.observer.error?.(err, this.connection.peer);
      this.#smtp.refuseMessage();
      return;
    }
    this.#smtp.acceptMessage({
      code: 250,
      enhanced: '2.0.0',
      text: `Ok: queued as ${transaction.id}`,
    });
    // `queueId` is the id of the 250 reply and the Received field; `stored` says where each
    // copy went, so the capture can show a message without a second copy of it in memory.
    this.connection.observer.request?.({
      msg: 'message',
      peer: this.connection.peer,
      queueId: transaction.id,
      from: from.address,
      to: recipients.map((r) => r.address),
      subject: transaction.head.field('Subject'),
      size,
      stored: transaction.deliveries.map((d, i) => ({ user: transaction.users[i]!, path: d.path })),
    });
  }

  /** Whether every recipient's mailbox has room for its copy (all or none are delivered). */
  async #withinQuota(transaction: Transaction): Promise<boolean> {
    const quota = this.#ctx.quota;
    if (quota === null) return true;
    for (const [i, delivery] of transaction.deliveries.entries()) {
      if (!(await quota.fits(transaction.users[i]!, delivery.size))) return false;
    }
    return true;
  }

  async #auth(ev: SmtpAuthEvent): Promise<void> {
    const { username, password, authorizationId } = ev;
    if (this.#ctx.acceptAnyAuth) {
      // The catcher records who the application logs in as; the password stays out of the log.
      this.connection.observer.log?.('info', 'SMTP AUTH accepted unchecked (smtp.acceptAnyAuth)', {
        peer: this.connection.peer,
        mechanism: ev.mechanism,
        user: username,
        ...(authorizationId === '' ? {} : { authorizationId }),
        password: 'given, not logged',
      });
      this.#smtp.acceptAuth();
      this.#user = username;
      return;
    }
    const user = await authenticateMailUser(
      this.#ctx.users,
      username,
      password,
      ...(this.#ctx.checkPassword ? [this.#ctx.checkPassword] : []),
    );
    // Acting as someone else would need a policy; this server has none, so it refuses.
    if (user !== null && (authorizationId === '' || authorizationId === username)) {
      this.#smtp.acceptAuth();
      this.#user = username;
      return;
    }
    this.connection.observer.log?.('info', 'SMTP AUTH failed', {
      peer: this.connection.peer,
      user: username,
    });
    // Without a pause and a cap AUTH PLAIN was a fast password oracle (0.65 s for 10 guesses).
    const last = await this.#throttle.failed();
    if (this.connection.isClosed) return;
    if (!last) {
      this.#smtp.refuseAuth();
      return;
    }
    this.#smtp.refuseAuthAndClose();
    this.connection.flush();
    this.connection.closeWhenDone();
  }

  async #startTls(): Promise<void> {
    const tls = this.#ctx.tls;
    if (tls === undefined) return;
    // TLS starts the session over: the client authenticates again.
    this.#user = null;
    if (await this.connection.startTls(tls, this.#smtp.takeBuffered())) this.#smtp.tlsStarted();
  }
}

async function abortAll(deliveries: readonly MaildirDelivery[]): Promise<void> {
  await Promise.all(deliveries.map((d) => d.abort().catch(() => undefined)));
}
