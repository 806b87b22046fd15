/**
 * An SMTP command line as the server reads it (RFC 5321 §4.1.1): a verb, then its argument.
 */

/**
 * A command line split into its verb and its argument.
 *
 * @example
 * const command: SmtpCommand = { verb: 'MAIL', arg: 'FROM:<a@c.example>' };
 */
export interface SmtpCommand {
  /** The verb, upper-cased (`''` for an empty line). */
  readonly verb: string;
  /** What follows the first space, trimmed (`''` when nothing does). */
  readonly arg: string;
}

/**
 * Splits a command line at its first space. A line holding a control character is not split:
 * the session refuses it whole as bad syntax.
 *
 * @param line The line, its CRLF removed.
 * @returns The verb and argument, or `null` for a line with a control character.
 * @example
 * parseSmtpCommand('rcpt TO:<demo@example.test> '); // { verb: 'RCPT', arg: 'TO:<demo@example.test>' }
 * parseSmtpCommand('NOOP\x00'); // null
 */
export function parseSmtpCommand(line: string): SmtpCommand | null {
  if (/[\x00-\x1f\x7f]/.test(line)) return null;
  const space = line.indexOf(' ');
  return {
    verb: (space === -1 ? line : line.slice(0, space)).toUpperCase(),
    arg: space === -1 ? '' : line.slice(space + 1).trim(),
  };
}

/**
 * Commands of RFC 5321 and its predecessors that this server knows but does not do: `502`,
 * where an unknown verb gets `500`.
 *
 * @example
 * SMTP_NOT_IMPLEMENTED.has('EXPN'); // true
 */
export const SMTP_NOT_IMPLEMENTED: ReadonlySet<string> = new Set([
  'EXPN',
  'TURN',
  'ETRN',
  'BDAT',
  'SEND',
  'SOML',
  'SAML',
]);
