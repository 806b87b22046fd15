/** The replies SmtpServerSession sends, worded after Postfix, with RFC 3463 enhanced codes. */
import { LOGIN_PASSWORD_PROMPT, LOGIN_USERNAME_PROMPT } from '../auth-login.js';
import type { SmtpReply } from './smtp-reply.js';
import type { SmtpAbortReason } from './smtp-server-types.js';

/**
 * Fixed replies, by what they answer.
 * @example
 * formatSmtpReply(R.bye); // 221 2.0.0 Bye
 */
export const R = {
  ok: { code: 250, enhanced: '2.0.0', text: 'Ok' },
  bye: { code: 221, enhanced: '2.0.0', text: 'Bye' },
  unknown: { code: 500, enhanced: '5.5.2', text: 'Error: command not recognized' },
  badSyntax: { code: 500, enhanced: '5.5.2', text: 'Error: bad syntax' },
  lineTooLong: { code: 500, enhanced: '5.5.2', text: 'Error: line too long' },
  bareLf: { code: 500, enhanced: '5.5.2', text: 'Error: bare <LF> received' },
  notImplemented: { code: 502, enhanced: '5.5.1', text: 'Error: command not implemented' },
  sendHelo: { code: 503, enhanced: '5.5.1', text: 'Error: send HELO/EHLO first' },
  tooManyErrors: { code: 421, enhanced: '4.7.0', text: 'Error: too many errors' },
  sizeExceeded: { code: 552, enhanced: '5.3.4', text: 'Error: message file too big' },
  dataLineTooLong: { code: 550, enhanced: '5.6.0', text: 'Error: message line too long' },
  bareNewline: { code: 550, enhanced: '5.6.0', text: 'Error: bare CR or LF in message' },
  rcptOk: { code: 250, enhanced: '2.1.5', text: 'Ok' },
  rcptRefused: { code: 550, enhanced: '5.1.1', text: 'Recipient address rejected: User unknown' },
  queued: { code: 250, enhanced: '2.0.0', text: 'Ok: queued' },
  notQueued: { code: 451, enhanced: '4.3.0', text: 'Error: queue file write error' },
  authOk: { code: 235, enhanced: '2.7.0', text: 'Authentication successful' },
  authFailed: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  authLineTooLong: {
    code: 500,
    enhanced: '5.5.6',
    text: 'Authentication Exchange line is too long',
  },
  tooManyAuthFailures: {
    code: 421,
    enhanced: '4.7.0',
    text: 'Error: too many failed authentications, closing connection',
  },
  mailboxFull: { code: 552, enhanced: '5.2.2', text: 'Error: mailbox full' },
  authRequired: { code: 530, enhanced: '5.7.0', text: 'Authentication required' },
  badSender: { code: 501, enhanced: '5.1.7', text: 'Bad sender address syntax' },
  badRecipient: { code: 501, enhanced: '5.1.3', text: 'Bad recipient address syntax' },
  mailOk: { code: 250, enhanced: '2.1.0', text: 'Ok' },
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'Error: too many recipients' },
  noValidRecipients: { code: 554, enhanced: '5.5.1', text: 'Error: no valid recipients' },
  startData: { code: 354, text: 'End data with <CR><LF>.<CR><LF>' },
  startTls: { code: 220, enhanced: '2.0.0', text: 'Ready to start TLS' },
  vrfy: { code: 252, enhanced: '2.0.0', text: 'Cannot VRFY user; try RCPT' },
  unknownMechanism: { code: 504, enhanced: '5.5.4', text: 'Unrecognized authentication type' },
  authAborted: { code: 501, enhanced: '5.7.0', text: 'Authentication aborted' },
  cannotDecode: { code: 501, enhanced: '5.5.2', text: 'Cannot decode response' },
  authContinue: { code: 334, text: '' },
  loginUsername: { code: 334, text: LOGIN_USERNAME_PROMPT },
  loginPassword: { code: 334, text: LOGIN_PASSWORD_PROMPT },
} as const satisfies Record<string, SmtpReply>;

/**
 * A 501 5.5.4 syntax error reply.
 * @param text The reply text.
 * @returns The reply.
 * @example
 * syntax('Syntax: DATA'); // { code: 501, enhanced: '5.5.4', text: 'Syntax: DATA' }
 */
export function syntax(text: string): SmtpReply {
  return { code: 501, enhanced: '5.5.4', text };
}

/**
 * A 503 5.5.1 bad sequence reply.
 * @param text The reply text.
 * @returns The reply.
 * @example
 * sequence('Error: need MAIL command');
 */
export function sequence(text: string): SmtpReply {
  return { code: 503, enhanced: '5.5.1', text };
}

/**
 * A 555 5.5.4 reply to an ESMTP parameter this server does not take (RFC 5321 §4.1.1.11).
 * @param key The parameter's keyword.
 * @returns The reply.
 * @example
 * unsupportedOption('NOTIFY'); // { code: 555, enhanced: '5.5.4', text: 'Unsupported option: NOTIFY' }
 */
export function unsupportedOption(key: string): SmtpReply {
  return { code: 555, enhanced: '5.5.4', text: `Unsupported option: ${key}` };
}

/**
 * The 250 reply to EHLO: the server's name, then the extensions it offers now (STARTTLS and
 * AUTH only while they can be used).
 * @param hostname The server's name.
 * @param maxMessageSize The SIZE limit.
 * @param startTls Whether STARTTLS is offered.
 * @param auth Whether AUTH is offered.
 * @returns The multi-line reply.
 * @example
 * formatSmtpReply(ehloReply('mx.example.test', 1000, false, false));
 * // 250-mx.example.test, 250-PIPELINING, 250-SIZE 1000, 250-ENHANCEDSTATUSCODES, 250-8BITMIME, 250 HELP
 */
export function ehloReply(
  hostname: string,
  maxMessageSize: number,
  startTls: boolean,
  auth: boolean,
): SmtpReply {
  const lines = [hostname, 'PIPELINING', `SIZE ${maxMessageSize}`];
  if (startTls) lines.push('STARTTLS');
  if (auth) lines.push('AUTH PLAIN LOGIN');
  lines.push('ENHANCEDSTATUSCODES', '8BITMIME', 'HELP');
  return { code: 250, text: lines };
}

/**
 * The 214 reply to HELP: the commands this server does.
 * @param startTls Whether STARTTLS is offered.
 * @param auth Whether AUTH is enabled at all.
 * @returns The reply.
 * @example
 * helpReply(false, false).text; // 'Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP'
 */
export function helpReply(startTls: boolean, auth: boolean): SmtpReply {
  const verbs = ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'VRFY', 'HELP'];
  if (startTls) verbs.push('STARTTLS');
  if (auth) verbs.push('AUTH');
  return { code: 214, enhanced: '2.0.0', text: `Commands: ${verbs.join(' ')}` };
}

/**
 * The refusal for a client over its message rate, worded as Postfix's anvil limit: a temporary
 * error, so a legitimate sender retries later.
 * @param client The client's address.
 * @returns The 452 4.7.0 reply.
 * @example
 * tooMuchMail('192.0.2.1'); // { code: 452, enhanced: '4.7.0', text: 'Error: too much mail from 192.0.2.1' }
 */
export function tooMuchMail(client: string): SmtpReply {
  return { code: 452, enhanced: '4.7.0', text: `Error: too much mail from ${client}` };
}

/**
 * The refusal of a recipient whose mailbox is over its quota (RFC 3463 X.2.2 mailbox full).
 * @param address The recipient.
 * @returns The 552 5.2.2 reply.
 * @example
 * mailboxFull('demo@example.test'); // 552 5.2.2 <demo@example.test>: Recipient address rejected: mailbox full
 */
export function mailboxFull(address: string): SmtpReply {
  return {
    code: 552,
    enhanced: '5.2.2',
    text: `<${address}>: Recipient address rejected: mailbox full`,
  };
}

/** What {@link checkMailParams} needs to know about the session. */
export interface MailParamContext {
  /** The client said EHLO: ESMTP parameters are allowed at all. */
  readonly extended: boolean;
  readonly maxMessageSize: number;
  /** AUTH is offered, so the RFC 4954 `AUTH=` parameter is accepted. */
  readonly auth: boolean;
}

/**
 * Checks the ESMTP parameters of MAIL FROM: SIZE (RFC 1870), BODY (RFC 6152) and AUTH
 * (RFC 4954 §5, accepted and ignored). Anything else is `555 5.5.4`, as RFC 5321 §4.1.1.11 asks.
 *
 * @param params The parameters, keywords upper-cased.
 * @param context Whether ESMTP is in use, the size limit, whether AUTH is offered.
 * @returns The error reply for the first bad parameter, or `null` when all are fine.
 * @example
 * checkMailParams(new Map([['SIZE', '2000']]), { extended: true, maxMessageSize: 1000, auth: false });
 * // { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed limit' }
 */
export function checkMailParams(
  params: ReadonlyMap<string, string | null>,
  context: MailParamContext,
): SmtpReply | null {
  for (const [key, value] of params) {
    if (!context.extended) return unsupportedOption(key);
    if (key === 'SIZE') {
      if (value === null || !/^\d{1,15}$/.test(value)) return syntax('Bad message size syntax');
      if (Number(value) > context.maxMessageSize) {
        return { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed limit' };
      }
    } else if (key === 'BODY') {
      if (value === null || !/^(?:7BIT|8BITMIME)$/i.test(value)) return syntax('Bad BODY keyword');
    } else if (key === 'AUTH' && context.auth) {
      if (value === null) return syntax('Bad AUTH parameter');
    } else {
      return unsupportedOption(key);
    }
  }
  return null;
}

/**
 * The answer to the final dot of a message refused while it streamed, by reason.
 * @example
 * ABORT_REPLY.size; // 552 5.3.4 Error: message file too big
 */
export const ABORT_REPLY: Readonly<Record<SmtpAbortReason, SmtpReply>> = {
  size: R.sizeExceeded,
  'line-too-long': R.dataLineTooLong,
  'bare-newline': R.bareNewline,
};
