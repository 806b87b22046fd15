/** The errors of `SmtpClient` and `Pop3Client`, each with a stable `code`. */

/**
 * The SMTP server answered a command with an error (4xx or 5xx) or an unexpected code.
 *
 * @example
 * try { await client.sendMail(from, to, msg); } catch (err) {
 *   if (err instanceof SmtpReplyError && err.replyCode === 552) console.log('too big');
 * }
 */
export class SmtpReplyError extends Error {
  /** Always `'SMTP_REPLY'`. */
  readonly code = 'SMTP_REPLY';
  /** The reply code, e.g. 550. */
  readonly replyCode: number;
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`, or `null`. */
  readonly enhanced: string | null;
  /** The reply's text lines. */
  readonly lines: readonly string[];
  /** The command that got the reply (`RCPT TO:<x@y>`), passwords left out. */
  readonly command: string;

  /**
   * @param command What was sent.
   * @param reply The server's reply.
   */
  constructor(
    command: string,
    reply: {
      readonly code: number;
      readonly enhanced: string | null;
      readonly lines: readonly string[];
    },
  ) {
    const text = [reply.enhanced ?? '', reply.lines.join(' ')].filter((t) => t !== '').join(' ');
    super(`${command}: ${reply.code} ${text}`);
    this.name = 'SmtpReplyError';
    this.replyCode = reply.code;
    this.enhanced = reply.enhanced;
    this.lines = reply.lines;
    this.command = command;
  }
}

/**
 * The POP3 server answered `-ERR`.
 *
 * @example
 * try { await pop.login('demo', 'x'); } catch (err) {
 *   if (err instanceof Pop3Error && err.responseCode === 'IN-USE') console.log('locked');
 * }
 */
export class Pop3Error extends Error {
  /** Always `'POP3_ERR'`. */
  readonly code = 'POP3_ERR';
  /** The RFC 2449 response code (`AUTH`, `IN-USE`, `SYS/TEMP`…), or `null`. */
  readonly responseCode: string | null;
  /** The text after `-ERR` (and the response code). */
  readonly text: string;
  /** The command that got the reply, passwords left out. */
  readonly command: string;

  /**
   * @param command What was sent.
   * @param responseCode The bracketed response code, or `null`.
   * @param text The error text.
   */
  constructor(command: string, responseCode: string | null, text: string) {
    super(`${command}: -ERR ${responseCode === null ? '' : `[${responseCode}] `}${text}`);
    this.name = 'Pop3Error';
    this.responseCode = responseCode;
    this.text = text;
    this.command = command;
  }
}

/**
 * The server broke the protocol: it closed the connection, sent something that is not a
 * reply, or sent bytes it must not have (plaintext after the STARTTLS reply).
 *
 * @example
 * if (err instanceof MailProtocolError && err.reason === 'closed') reconnect();
 */
export class MailProtocolError extends Error {
  /** Always `'MAIL_PROTOCOL'`. */
  readonly code = 'MAIL_PROTOCOL';
  /** What went wrong. */
  readonly reason: 'closed' | 'syntax' | 'too-long' | 'too-many-lines' | 'unexpected' | 'injection';

  /**
   * @param reason What went wrong.
   * @param message A description.
   */
  constructor(reason: MailProtocolError['reason'], message: string) {
    super(message);
    this.name = 'MailProtocolError';
    this.reason = reason;
  }
}
