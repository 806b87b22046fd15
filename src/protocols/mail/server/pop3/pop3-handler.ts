/** One POP3 connection of `startPop3Service`: logins, the mailbox lock, messages streamed. */

import { CommandFaults } from '../../../../server/command-faults.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../../server/connection.js';
import { pendingOutputBound } from '../../../../server/limits.js';
import { LoginThrottle } from '../../../../server/login-throttle.js';
import type { TimeoutPhase, Transport } from '../../../../server/transport.js';
import type { SSLContext } from '../../../../socket/index.js';
import { pop3Uid } from '../../codec/pop3/pop3-maildrop.js';
import { Pop3ServerSession } from '../../codec/pop3/pop3-server-session.js';
import type { Pop3ServerEvent, Pop3ServerOptions } from '../../codec/pop3/pop3-server-types.js';
import { authenticateMailUser, type MailUser, type PasswordCheck } from '../mail-users.js';
import type { Maildir } from '../maildir/maildir.js';
import type { MaildirLock } from '../maildir/maildir-lock.js';
import type { MaildirStore } from '../maildir/maildir-store.js';
import { MessageProducer } from '../message-producer.js';
import { CutProducer } from './cut-producer.js';

/** What every POP3 channel of one service shares. */
export interface Pop3ChannelContext {
  readonly users: readonly MailUser[];
  readonly store: MaildirStore;
  readonly session: Pop3ServerOptions;
  /** For STLS; `undefined` when not offered (or the connection is already TLS). */
  readonly tls: SSLContext | undefined;
  readonly failedLoginDelay: number;
  /** Failed logins after which the connection is closed. */
  readonly maxLoginAttempts: number;
  readonly checkPassword: PasswordCheck | undefined;
}

/**
 * The POP3 channel. A login takes the Maildir's lock (a second session gets `[IN-USE]`) and
 * works on a snapshot; RETR and TOP stream from the file through the dot-stuffer as fast as the
 * client reads; deletions happen only at QUIT. Whatever ends the connection otherwise (a drop,
 * the autologout timer, a server shutdown) releases the lock and deletes nothing.
 */
export class Pop3Handler implements SessionHandler<Pop3ServerEvent> {
  /** The kit's connection this handler acts for. */
  readonly connection: Connection<Pop3ServerEvent>;
  readonly #ctx: Pop3ChannelContext;
  readonly #pop: Pop3ServerSession;
  readonly #throttle: LoginThrottle;
  #box: Maildir | null = null;
  #lock: MaildirLock | null = null;
  /** Fault rules at each command, and `cutAfter` for RETR and TOP. */
  readonly #faults: CommandFaults;

  /**
   * @param transport The connection's transport.
   * @param settings Limits, observer and clock, from the listener.
   * @param ctx What every connection of the service shares.
   */
  constructor(transport: Transport, settings: ConnectionSettings, ctx: Pop3ChannelContext) {
    const pop = new Pop3ServerSession({
      ...ctx.session,
      maxPendingOutput: pendingOutputBound(settings.limits ?? {}),
      ...(settings.observer?.fault === undefined
        ? {}
        : {
            stopCommand: (verb: string) => {
              const user = this.#pop.username;
              return this.#faults.check(
                user === null ? { command: verb } : { command: verb, user },
              );
            },
          }),
    });
    this.#pop = pop;
    this.#ctx = ctx;
    this.connection = new Connection({ ...settings, transport, session: pop, handler: this });
    this.#faults = new CommandFaults(this.connection);
    this.#throttle = new LoginThrottle({
      clock: this.connection.clock,
      delay: ctx.failedLoginDelay,
      maxAttempts: ctx.maxLoginAttempts,
    });
  }

  handleEvent(ev: Pop3ServerEvent): void | Promise<void> {
    switch (ev.type) {
      case 'login':
        if (ev.mechanism === 'APOP') {
          // Never offered (no timestamp in the greeting): APOP needs the clear-text password.
          this.#pop.loginFailed();
          return;
        }
        return this.#login(ev.username, ev.password, ev.authorizationId);
      case 'retrieve':
        return this.#retrieve(ev.id, ev.bodyLines);
      case 'commit-deletions':
        return this.#commit(ev.ids);
      case 'starttls':
        return this.#startTls();
      case 'quit':
        return this.#quit();
      case 'close':
        this.connection.flush();
        this.connection.closeWhenDone();
        return;
      case 'stopped':
        return this.#faults.act({
          answer: (reply) => this.#pop.resumeStopped(reply),
          goOn: () => this.#pop.resumeStopped(),
          disconnect: () => this.#quit(),
        });
    }
  }

  holdsOutput(ev: Pop3ServerEvent): boolean {
    return ev.type === 'quit';
  }

  timedOut(phase: TimeoutPhase): boolean {
    // Only idleness gets a goodbye; a half-sent command and a client that does not read get
    // the kit's close and reset.
    if (phase !== 'idle') return false;
    // RFC 1939 §3 autologout: close without entering UPDATE, so nothing is deleted.
    if (!this.connection.busy && !this.connection.closing) {
      this.connection.closing = true;
      this.connection.write('-ERR Disconnected for inactivity.\r\n');
      this.connection.closeWhenDone();
    } else this.connection.close();
    return true;
  }

  /** The connection ended: the mailbox lock goes, and nothing is deleted. */
  closed(): void {
    this.#faults.cancel();
    const lock = this.#lock;
    this.#lock = null;
    void lock?.release();
  }

  async #login(username: string, password: string, authorizationId: string): Promise<void> {
    const user = await authenticateMailUser(
      this.#ctx.users,
      username,
      password,
      ...(this.#ctx.checkPassword ? [this.#ctx.checkPassword] : []),
    );
    if (user === null || (authorizationId !== '' && authorizationId !== username)) {
      this.connection.observer.log?.('info', 'POP3 login failed', {
        peer: this.connection.peer,
        user: username,
      });
      // Slows down password guessing; the session reads nothing meanwhile.
      const last = await this.#throttle.failed();
      if (this.connection.isClosed) return;
      this.#pop.loginFailed();
      if (last) {
        // Dovecot hangs up after its cap as well: the -ERR goes out, then the connection ends.
        this.connection.flush();
        this.connection.closeWhenDone();
      }
      return;
    }
    const box = await this.#ctx.store.maildir(user.name);
    const lock = await box.lock();
    if (lock === null) {
      this.#pop.mailboxInUse();
      return;
    }
    if (this.connection.isClosed) {
      await lock.release();
      return;
    }
    this.#lock = lock;
    this.#box = box;
    const messages = await box.list();
    this.#pop.loginSucceeded(messages.map((m) => ({ ...m, uid: pop3Uid(m.id) })));
    this.connection.observer.request?.({
      msg: 'login',
      peer: this.connection.peer,
      user: user.name,
      messages: messages.length,
    });
  }

  async #retrieve(id: string, bodyLines: number | undefined): Promise<void> {
    const cut = this.#faults.takeCut();
    const box = this.#box;
    if (box === null) throw new Error('retrieve before login');
    const stream = await box.open(id);
    if (this.connection.isClosed) {
      // The client left (a reset) while the file opened: nobody takes the producer that would
      // close it, so it is closed here, or its descriptor would stay open.
      stream.destroy();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const message = new MessageProducer(stream, {
        bodyLines,
        onProgress: () => this.connection.touch(),
        onDone: (complete) => (complete ? resolve() : reject(new Error('transfer cut short'))),
      });
      this.connection.writeProducer(
        // A fault's cut: the connection closes once that many bytes of the message are out,
        // as a dropped line would (the lock released first); nothing is deleted, as for any drop.
        cut === undefined ? message : new CutProducer(message, cut, () => void this.#quit()),
      );
    }).then(
      () => this.#pop.retrieveDone(),
      // The channel closed mid-transfer: nothing more to do for this session.
      () => undefined,
    );
  }

  async #commit(ids: readonly string[]): Promise<void> {
    const box = this.#box;
    let ok = box !== null;
    try {
      await box?.delete(ids);
    } catch (err) {
      this.connection.observer.error?.(err, this.connection.peer);
      ok = false;
    }
    this.connection.observer.request?.({
      msg: 'quit',
      peer: this.connection.peer,
      deleted: ids.length,
      ok,
    });
    this.#pop.deletionsCommitted(ok);
  }

  /**
   * The goodbye goes out only once the lock is released, so a client that reconnects as soon
   * as it reads it never finds its own mailbox `[IN-USE]`; so does the close of a fault.
   */
  async #quit(): Promise<void> {
    const lock = this.#lock;
    this.#lock = null;
    await lock?.release();
    this.connection.flush();
    this.connection.closeWhenDone();
  }

  async #startTls(): Promise<void> {
    const tls = this.#ctx.tls;
    if (tls === undefined) return;
    if (await this.connection.startTls(tls, this.#pop.takeBuffered())) this.#pop.tlsStarted();
  }
}
