/** Options, events and decisions of {@link SmtpServerSession}. */
import type { StopCommand, StoppedEvent } from '../../../common/command-stop.js';
import type { MailPath } from './mail-path.js';

/** Options for `SmtpServerSession`. Only `hostname` is required. */
export interface SmtpServerOptions {
  /** This server's name, in the banner, the EHLO reply and `Received:` headers. */
  readonly hostname: string;
  /** Banner text after the hostname. Default `ESMTP polyport`. */
  readonly banner?: string;
  /** Longest command line, CRLF excluded. RFC 5321 says 512 with CRLF; default 2048 as Postfix. */
  readonly maxCommandLineLength?: number;
  /** Longest message line, CRLF excluded. Default 998 (RFC 5321 §4.5.3.1.6). */
  readonly maxDataLineLength?: number;
  /** Largest message in octets, advertised as SIZE. Default 32 MiB. */
  readonly maxMessageSize?: number;
  /** Recipients per transaction; beyond it `452 4.5.3`. Default 100. */
  readonly maxRecipients?: number;
  /** Longest path in MAIL/RCPT, brackets included. Default 256. */
  readonly maxPathLength?: number;
  /** Errors before the session answers `421 4.7.0` and closes. Default 20. */
  readonly maxErrors?: number;
  /** Largest `data` event chunk in octets. Default 64 KiB. */
  readonly dataChunkSize?: number;
  /** Offer STARTTLS (the glue must be able to upgrade). Default false. */
  readonly startTls?: boolean;
  /** The connection is already TLS (SMTPS, port 465). Default false. */
  readonly tls?: boolean;
  /** Offer AUTH PLAIN. Default false. */
  readonly auth?: boolean;
  /** Offer AUTH only over TLS, as Postfix's smtpd_tls_auth_only. Default true. */
  readonly authRequiresTls?: boolean;
  /** Refuse MAIL (530 5.7.0) until authenticated, for a submission port. Default false. */
  readonly requireAuth?: boolean;
  /** Bare CR/LF in commands and content: `normalize` to CRLF or `reject`. Default normalize. */
  readonly bareNewlines?: 'normalize' | 'reject';
  /**
   * Bytes of replies not yet taken past which `nextEvent()` answers no further command (it
   * returns `null` and goes on after `takeOutput()`), so a client that pipelines without
   * reading is not answered faster than it reads. Default: no limit.
   */
  readonly maxPendingOutput?: number;
  /**
   * Asked before each command is carried out (not for message content or AUTH responses):
   * true stops it with a `stopped` event (fault rules on purpose). Default: none.
   */
  readonly stopCommand?: StopCommand;
}

/**
 * Defaults for every optional {@link SmtpServerOptions} field.
 * @example
 * smtpDefaults.maxMessageSize; // 33554432
 */
export const smtpDefaults = {
  banner: 'ESMTP polyport',
  maxCommandLineLength: 2048,
  maxDataLineLength: 998,
  maxMessageSize: 32 * 1024 * 1024,
  maxRecipients: 100,
  maxPathLength: 256,
  maxErrors: 20,
  dataChunkSize: 64 * 1024,
  startTls: false,
  tls: false,
  auth: false,
  authRequiresTls: true,
  requireAuth: false,
  bareNewlines: 'normalize',
  maxPendingOutput: Number.POSITIVE_INFINITY,
} as const satisfies Omit<Required<SmtpServerOptions>, 'hostname' | 'stopCommand'>;

/**
 * What the session waits for the glue to decide before it reads further commands.
 * @example
 * if (smtp.pendingDecision === 'recipient') smtp.acceptRecipient();
 */
export type SmtpDecision = 'recipient' | 'message' | 'auth' | 'command';

/** Why a message stopped streaming; the session answers the final dot with the matching error. */
export type SmtpAbortReason = 'size' | 'line-too-long' | 'bare-newline';

/** Events from `SmtpServerSession.nextEvent()`. Those marked "decide" wait for the glue. */
export type SmtpServerEvent =
  | { readonly type: 'helo'; readonly extended: boolean; readonly domain: string }
  | {
      readonly type: 'mail';
      readonly from: MailPath;
      readonly params: ReadonlyMap<string, string | null>;
    }
  /** Decide: `acceptRecipient()` or `refuseRecipient()`. */
  | {
      readonly type: 'rcpt';
      readonly to: MailPath;
      readonly params: ReadonlyMap<string, string | null>;
    }
  /** The 354 went out; content follows in `data` events. Begin storing here. */
  | {
      readonly type: 'data-start';
      readonly from: MailPath;
      readonly recipients: readonly MailPath[];
    }
  /** Unstuffed content with CRLF line endings, in order. */
  | { readonly type: 'data'; readonly chunk: Buffer }
  /** The message is refused (no more `data`, no `data-end`): discard what was stored. */
  | { readonly type: 'data-abort'; readonly reason: SmtpAbortReason }
  /** Decide: `acceptMessage()` once stored, or `refuseMessage()`. */
  | {
      readonly type: 'data-end';
      readonly from: MailPath;
      readonly recipients: readonly MailPath[];
      readonly size: number;
    }
  /** Decide: `acceptAuth()` or `refuseAuth()`. */
  | {
      readonly type: 'auth';
      readonly mechanism: 'PLAIN' | 'LOGIN';
      readonly authorizationId: string;
      readonly username: string;
      readonly password: string;
    }
  /** The 220 went out: hand `takeBuffered()` to TLS, then call `tlsStarted()`. */
  | { readonly type: 'starttls' }
  /** The 221 went out: send `takeOutput()` and close. */
  | { readonly type: 'quit' }
  /** The session gave up (421 went out): send `takeOutput()` and close. */
  | { readonly type: 'close'; readonly reason: 'too-many-errors' }
  /** Decide: `resumeStopped()` (carry the command out) or `resumeStopped(reply)` (answer instead). */
  | StoppedEvent;

/**
 * Fills in defaults and checks the limits.
 *
 * @param options The caller's options.
 * @returns Every option with a value.
 * @throws {RangeError} If a limit is not a positive integer.
 * @example
 * resolveSmtpOptions({ hostname: 'mx' }).maxRecipients; // 100
 */
export function resolveSmtpOptions(
  options: SmtpServerOptions,
): Required<Omit<SmtpServerOptions, 'stopCommand'>> {
  const resolved = { ...smtpDefaults, ...options };
  for (const key of [
    'maxCommandLineLength',
    'maxDataLineLength',
    'maxMessageSize',
    'maxRecipients',
    'maxPathLength',
    'maxErrors',
    'dataChunkSize',
  ] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
  }
  return resolved;
}
