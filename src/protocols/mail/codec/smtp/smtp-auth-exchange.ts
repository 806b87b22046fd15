/**
 * The client's side of an SMTP AUTH exchange (RFC 4954) as the server reads it: the AUTH
 * command's argument, then each response line of PLAIN (one message) or LOGIN (the user name,
 * then the password). Decoding only: the session keeps the step and the mode.
 */
import { decodeAuthLoginField } from '../auth-login.js';
import { decodeAuthPlain } from '../auth-plain.js';
import { R, syntax } from './smtp-replies.js';
import type { SmtpReply } from './smtp-reply.js';
import type { SmtpServerEvent } from './smtp-server-types.js';

/**
 * Where an AUTH exchange stands: PLAIN's one message, or LOGIN's user name then its password
 * (the user name kept until the password comes).
 *
 * @example
 * const step: SmtpAuthStep = { mechanism: 'LOGIN', username: null }; // the user name is next
 */
export type SmtpAuthStep =
  | { readonly mechanism: 'PLAIN' }
  | { readonly mechanism: 'LOGIN'; readonly username: string | null };

/**
 * The AUTH command's argument read: the exchange's first step and the initial response if the
 * client sent one, or the error reply.
 *
 * @example
 * const start: SmtpAuthStart = { ok: true, step: { mechanism: 'PLAIN' }, initial: undefined };
 */
export type SmtpAuthStart =
  | { readonly ok: true; readonly step: SmtpAuthStep; readonly initial: string | undefined }
  | { readonly ok: false; readonly reply: SmtpReply };

/**
 * What one response line of the exchange comes to: the credentials to decide on, the next
 * prompt (LOGIN's password), or the error reply that ends the exchange.
 *
 * @example
 * const next: SmtpAuthResponse = { type: 'prompt', step, reply: R.loginPassword };
 */
export type SmtpAuthResponse =
  | { readonly type: 'credentials'; readonly event: Extract<SmtpServerEvent, { type: 'auth' }> }
  | { readonly type: 'prompt'; readonly step: SmtpAuthStep; readonly reply: SmtpReply }
  | { readonly type: 'error'; readonly reply: SmtpReply };

/**
 * Reads the argument of `AUTH`: a mechanism (PLAIN or LOGIN, any case) and an optional initial
 * response.
 *
 * @param arg The argument, trimmed.
 * @returns The first step and the initial response, or `501 5.5.4` (syntax) or `504 5.5.4`
 *   (another mechanism).
 * @example
 * parseAuthArgument('login ZGVtbw==');
 * // { ok: true, step: { mechanism: 'LOGIN', username: null }, initial: 'ZGVtbw==' }
 */
export function parseAuthArgument(arg: string): SmtpAuthStart {
  const [mechanism = '', initial, extra] = arg.split(' ');
  if (mechanism === '' || extra !== undefined) {
    return { ok: false, reply: syntax('Syntax: AUTH mechanism') };
  }
  const name = mechanism.toUpperCase();
  if (name !== 'PLAIN' && name !== 'LOGIN') return { ok: false, reply: R.unknownMechanism };
  const step: SmtpAuthStep =
    name === 'PLAIN' ? { mechanism: name } : { mechanism: name, username: null };
  return { ok: true, step, initial };
}

/**
 * Reads one line of the AUTH exchange: PLAIN's message, or LOGIN's user name or password.
 * `*` is the client cancelling the exchange.
 *
 * @param step Where the exchange stands.
 * @param text The line the client sent.
 * @returns The `auth` event, the next step and its prompt, or the error reply.
 * @example
 * readAuthResponse({ mechanism: 'LOGIN', username: null }, 'ZGVtbw==');
 * // { type: 'prompt', step: { mechanism: 'LOGIN', username: 'demo' }, reply: R.loginPassword }
 */
export function readAuthResponse(step: SmtpAuthStep, text: string): SmtpAuthResponse {
  if (text === '*') return { type: 'error', reply: R.authAborted };
  try {
    if (step.mechanism === 'PLAIN') {
      const credentials = decodeAuthPlain(text);
      return { type: 'credentials', event: { type: 'auth', mechanism: 'PLAIN', ...credentials } };
    }
    const field = decodeAuthLoginField(text);
    if (step.username === null) {
      return {
        type: 'prompt',
        step: { mechanism: 'LOGIN', username: field },
        reply: R.loginPassword,
      };
    }
    return {
      type: 'credentials',
      event: {
        type: 'auth',
        mechanism: 'LOGIN',
        authorizationId: '',
        username: step.username,
        password: field,
      },
    };
  } catch {
    return { type: 'error', reply: R.cannotDecode };
  }
}
