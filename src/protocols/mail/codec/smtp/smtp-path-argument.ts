/**
 * The arguments of MAIL FROM and RCPT TO as the server reads them: the path and the ESMTP
 * parameters this server takes, or the reply that refuses the command.
 */
import { type MailArgument, parseMailArgument } from './mail-path.js';
import {
  checkMailParams,
  type MailParamContext,
  R,
  syntax,
  unsupportedOption,
} from './smtp-replies.js';
import type { SmtpReply } from './smtp-reply.js';

/**
 * A MAIL FROM or RCPT TO argument read: `parseMailArgument()`'s path and parameters, or the
 * refusal.
 *
 * @example
 * const refused: SmtpPathArgument = { ok: false, reply: R.badSender };
 */
export type SmtpPathArgument =
  | Extract<MailArgument, { ok: true }>
  | { readonly ok: false; readonly reply: SmtpReply };

/**
 * Reads the argument of MAIL: `FROM:<path>`, then the parameters {@link checkMailParams} takes.
 *
 * @param arg The argument, trimmed.
 * @param context What the parameters are checked against, and the longest path.
 * @returns The path and parameters, or the `501`, `552` or `555` that refuses them.
 * @example
 * readMailFromArgument('FROM:<a@c.example> SIZE=100', {
 *   extended: true, maxMessageSize: 1000, auth: false, maxPathLength: 256,
 * }); // { ok: true, path: { address: 'a@c.example', … }, params: Map { 'SIZE' => '100' } }
 */
export function readMailFromArgument(
  arg: string,
  context: MailParamContext & { readonly maxPathLength: number },
): SmtpPathArgument {
  const parsed = parseMailArgument(arg, { kind: 'from', maxPathLength: context.maxPathLength });
  if (!parsed.ok) return { ok: false, reply: badPathReply(parsed.error, 'from') };
  const bad = checkMailParams(parsed.params, context);
  return bad === null ? parsed : { ok: false, reply: bad };
}

/**
 * Reads the argument of RCPT: `TO:<path>`, without parameters (this server takes none).
 *
 * @param arg The argument, trimmed.
 * @param maxPathLength The longest path, brackets included.
 * @returns The path, or the `501` or `555` that refuses it.
 * @example
 * readRcptToArgument('TO:<demo@example.test> NOTIFY=NEVER', 256);
 * // { ok: false, reply: { code: 555, enhanced: '5.5.4', text: 'Unsupported option: NOTIFY' } }
 */
export function readRcptToArgument(arg: string, maxPathLength: number): SmtpPathArgument {
  const parsed = parseMailArgument(arg, { kind: 'to', maxPathLength });
  if (!parsed.ok) return { ok: false, reply: badPathReply(parsed.error, 'to') };
  const [key] = parsed.params.keys();
  return key === undefined ? parsed : { ok: false, reply: unsupportedOption(key) };
}

/** The refusal of an argument `parseMailArgument()` could not read, by why and by command. */
function badPathReply(
  error: Extract<MailArgument, { ok: false }>['error'],
  kind: 'from' | 'to',
): SmtpReply {
  if (error === 'syntax') {
    return syntax(kind === 'from' ? 'Syntax: MAIL FROM:<address>' : 'Syntax: RCPT TO:<address>');
  }
  if (error === 'params') return syntax('Bad parameter syntax');
  return kind === 'from' ? R.badSender : R.badRecipient;
}
