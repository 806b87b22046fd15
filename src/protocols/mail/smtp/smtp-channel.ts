/** One SMTP connection of `startSmtpService`: the session's events turned into Maildir writes. */
import type { ChannelSocket } from '../../../dispatch/index.js';
import type { SSLContext } from '../../../socket/index.js';
import type { ServerChannelOptions } from '../../common/index.js';
import { LoginThrottle } from '../../common/login-throttle.js';
import type { MaildirDelivery } from '../maildir/maildir-delivery.js';
import type { MaildirStore } from '../maildir/maildir-store.js';
import { authenticateMailUser, type MailUser, type PasswordCheck } from '../server/mail-users.js';
import { SessionChannel } from '../server/session-channel.js';
import { startServerTls } from '../server/start-tls.js';
import { type LocalDelivery, resolveLocalRecipient } from './local-recipient.js';
import type { MailPath } from './mail-path.js';
import { buildReceivedHeader } from './received-header.js';
import { buildReturnPathHeader } from './return-path-header.js';
import { formatSmtpReply } from './smtp-reply.js';
import { SmtpServerSession } from './smtp-server-session.js';
import type { SmtpServerEvent, SmtpServerOptions } from './smtp-server-types.js';

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
  /** A queue id for a new message. */
  readonly nextId: () => string;
}

/** A message being stored: one delivery per distinct local user. */
interface Transaction {
  readonly deliveries: MaildirDelivery[];
  readonly id: string;
}

/**
 * The SMTP channel: recipients checked against the local users, content streamed into one
 * `MaildirDelivery` per recipient as it arrives (after `Return-Path:` and `Received:`),
 * committed only at the final dot. A dropped
 * connection or a refused message aborts the deliveries, so no partial message is ever seen.
 */
export class SmtpChannel extends SessionChannel<SmtpServerEvent> {
  readonly #ctx: SmtpChannelContext;
  readonly #smtp: SmtpServerSession;
  readonly #throttle: LoginThrottle;
  #helo = '';
  #transaction: Transaction | null = null;
  /** The step in progress, so a close during a write waits for it before aborting. */
  #io: Promise<unknown> = Promise.resolve();

  constructor(sock: ChannelSocket, options: ServerChannelOptions, ctx: SmtpChannelContext) {
    const smtp = new SmtpServerSession(ctx.session);
    super(sock, options, smtp);
    this.#smtp = smtp;
    this.#ctx = ctx;
    this.#throttle = new LoginThrottle({
      clock: this.clock,
      delay: ctx.failedLoginDelay,
      maxAttempts: ctx.maxLoginAttempts,
    });
  }

  protected override handleEvent(ev: SmtpServerEvent): void | Promise<void> {
    switch (ev.type) {
      case 'helo':
        this.#helo = ev.domain;
        return;
      case 'mail':
        return;
      case 'rcpt': {
        const decision = resolveLocalRecipient(ev.to, this.#ctx);
        if (decision.ok) this.#smtp.acceptRecipient();
        else this.#smtp.refuseRecipient(decision.reply);
        return;
      }
      case 'data-start':
        return this.#track(this.#begin(ev.from, ev.recipients));
      case 'data':
        return this.#track(this.#write(ev.chunk));
      case 'data-abort':
        return this.#track(this.#abort());
      case 'data-end':
        return this.#track(this.#commit(ev.from, ev.recipients, ev.size));
      case 'auth':
        return this.#auth(ev.username, ev.password, ev.authorizationId);
      case 'starttls':
        return this.#startTls();
      case 'quit':
      case 'close':
        this.flush();
        this.closeWhenDone();
        return;
    }
  }

  override onIdleTimeout(): void {
    if (this.busy || this.closing) {
      this.close();
      return;
    }
    this.closing = true;
    this.push(
      formatSmtpReply({
        code: 421,
        enhanced: '4.4.2',
        text: `${this.#ctx.hostname} Error: timeout exceeded`,
      }),
    );
    this.closeWhenDone();
  }

  override close(): void {
    const transaction = this.#transaction;
    this.#transaction = null;
    if (transaction !== null) {
      // After any write in flight: aborting closes the file the write uses.
      void this.#io.then(() => abortAll(transaction.deliveries));
    }
    super.close();
  }

  #track(step: Promise<void>): Promise<void> {
    this.#io = step.catch(() => undefined);
    return step;
  }

  async #begin(from: MailPath, recipients: readonly MailPath[]): Promise<void> {
    const users = new Map<string, MailUser>();
    for (const to of recipients) {
      const decision = resolveLocalRecipient(to, this.#ctx);
      if (decision.ok) users.set(decision.user.name, decision.user);
    }
    const id = this.#ctx.nextId();
    const transaction: Transaction = { deliveries: [], id };
    this.#transaction = transaction;
    // Final delivery: the trace headers go first, in the same file as the content, so they
    // are committed with it or discarded with it.
    const header = Buffer.from(
      buildReturnPathHeader(from) +
        buildReceivedHeader({
          heloName: this.#helo,
          remoteAddress: Array.isArray(this.addr) ? String(this.addr[0]) : 'unknown',
          byHost: this.#ctx.hostname,
          protocol: this.#smtp.protocolName,
          id,
          ...(recipients.length === 1 ? { recipient: recipients[0]!.address } : {}),
          date: new Date(this.clock.now()),
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
      await delivery.write(header);
    }
  }

  async #write(chunk: Buffer): Promise<void> {
    const transaction = this.#transaction;
    if (transaction === null) return;
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
    try {
      for (const delivery of transaction.deliveries) await delivery.commit();
    } catch (err) {
      await abortAll(transaction.deliveries);
      this.observer.error?.(err, this.peer);
      this.#smtp.refuseMessage();
      return;
    }
    this.#smtp.acceptMessage({
      code: 250,
      enhanced: '2.0.0',
      text: `Ok: queued as ${transaction.id}`,
    });
    this.observer.request?.({
      msg: 'message',
      peer: this.peer,
      id: transaction.id,
      from: from.address,
      to: recipients.map((r) => r.address),
      size,
    });
  }

  async #auth(username: string, password: string, authorizationId: string): Promise<void> {
    const user = await authenticateMailUser(
      this.#ctx.users,
      username,
      password,
      ...(this.#ctx.checkPassword ? [this.#ctx.checkPassword] : []),
    );
    // Acting as someone else would need a policy; this server has none, so it refuses.
    if (user !== null && (authorizationId === '' || authorizationId === username)) {
      this.#smtp.acceptAuth();
      return;
    }
    this.observer.log?.('info', 'SMTP AUTH failed', { peer: this.peer, user: username });
    // Without a pause and a cap AUTH PLAIN was a fast password oracle (0.65 s for 10 guesses).
    const last = await this.#throttle.failed();
    if (this.isClosed) return;
    if (!last) {
      this.#smtp.refuseAuth();
      return;
    }
    this.#smtp.refuseAuthAndClose();
    this.flush();
    this.closeWhenDone();
  }

  async #startTls(): Promise<void> {
    const tls = this.#ctx.tls;
    this.flush();
    await this.drained();
    if (tls !== undefined && (await startServerTls(this, tls, this.#smtp.takeBuffered()))) {
      this.#smtp.tlsStarted();
    }
  }
}

async function abortAll(deliveries: readonly MaildirDelivery[]): Promise<void> {
  await Promise.all(deliveries.map((d) => d.abort().catch(() => undefined)));
}
