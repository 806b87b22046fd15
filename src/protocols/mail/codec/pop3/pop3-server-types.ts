/** Options, mailbox entries and events of `Pop3ServerSession`. */
import type { StopCommand, StoppedEvent } from '../../../common/command-stop.js';

/** One message of the mailbox snapshot a session works on after login. */
export interface Pop3Message {
  /** The storage id (a Maildir base name), handed back in `retrieve` and `commit-deletions`. */
  readonly id: string;
  /** Size in octets as sent (CRLF line endings, before dot-stuffing). */
  readonly size: number;
  /** Unique id for UIDL: 1–70 characters 0x21–0x7E (RFC 1939 §7), stable across sessions. */
  readonly uid: string;
}

/** Options for `Pop3ServerSession`. All are optional. */
export interface Pop3ServerOptions {
  /** Greeting text after `+OK`. Default `polyport ready.` */
  readonly greeting?: string;
  /**
   * The APOP timestamp `<unique@host>` for the banner (RFC 1939 §7). The glue makes it from
   * its clock and process id; without it APOP is not offered.
   */
  readonly apopTimestamp?: string;
  /** Offer STLS (RFC 2595). Default false. */
  readonly stls?: boolean;
  /** The connection is already TLS (POP3S, port 995). Default false. */
  readonly tls?: boolean;
  /**
   * Allow USER/PASS and AUTH PLAIN without TLS. Default false, as Dovecot's
   * `disable_plaintext_auth`; the glue sets it for loopback clients.
   */
  readonly allowPlaintextAuth?: boolean;
  /** Longest command line, CRLF excluded. Default 1024 (AUTH lines exceed RFC 2449's 255). */
  readonly maxLineLength?: number;
  /** Bad commands before `-ERR Too many bad commands.` and close. Default 10. */
  readonly maxErrors?: number;
  /**
   * Bytes of responses not yet taken past which `nextEvent()` answers no further command (it
   * returns `null` and goes on after `takeOutput()`), so a client that pipelines LIST or UIDL
   * without reading is not answered faster than it reads. Default: no limit.
   */
  readonly maxPendingOutput?: number;
  /**
   * Asked before each command is carried out (not for AUTH responses): true stops it with a
   * `stopped` event (fault rules on purpose). Default: none.
   */
  readonly stopCommand?: StopCommand;
}

/** What the session waits for the glue to do before it reads further commands. */
export type Pop3Decision = 'login' | 'retrieve' | 'commit' | 'command';

/** Events from `Pop3ServerSession.nextEvent()`; those marked "decide" wait for the glue. */
export type Pop3ServerEvent =
  /**
   * Decide: check the credentials and lock the mailbox, then `loginSucceeded(messages)`,
   * `loginFailed()` or `mailboxInUse()`. For APOP check with `verifyApop()`.
   */
  | {
      readonly type: 'login';
      readonly mechanism: 'USER' | 'PLAIN';
      readonly username: string;
      readonly password: string;
      /** PLAIN's authorization identity; `''` for USER/PASS. */
      readonly authorizationId: string;
    }
  | {
      readonly type: 'login';
      readonly mechanism: 'APOP';
      readonly username: string;
      readonly digest: string;
      readonly timestamp: string;
    }
  /**
   * Decide: send `takeOutput()` (the `+OK`), then the message piped through
   * `new DotStuffer({ bodyLines })` and its `end()`, then call `retrieveDone()`. If the message
   * cannot be read, close the connection (nothing is deleted).
   */
  | {
      readonly type: 'retrieve';
      readonly id: string;
      /** The message number the client used. */
      readonly number: number;
      /** For TOP: body lines after the header; `undefined` for RETR. */
      readonly bodyLines: number | undefined;
    }
  /** Decide: delete these ids, then `deletionsCommitted(ok)`; the session then ends. */
  | { readonly type: 'commit-deletions'; readonly ids: readonly string[] }
  /** The `+OK` went out: hand `takeBuffered()` to TLS, then call `tlsStarted()`. */
  | { readonly type: 'starttls' }
  /** The goodbye went out: send `takeOutput()`, release the lock and close. */
  | { readonly type: 'quit' }
  /** The session gave up after too many bad commands: send `takeOutput()` and close. */
  | { readonly type: 'close'; readonly reason: 'too-many-errors' }
  /** Decide: `resumeStopped()` (carry the command out) or `resumeStopped(reply)` (answer instead). */
  | StoppedEvent;
