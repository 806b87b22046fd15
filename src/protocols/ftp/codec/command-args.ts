/**
 * Arguments of the smaller commands: REST (RFC 3659 5), ALLO (RFC 959), and the security
 * commands AUTH, PBSZ, PROT (RFC 2228, 4217).
 */

import { type ArgResult, fail, ok } from './reply.js';

/**
 * Parses the argument of `REST offset` (stream mode: a byte count).
 *
 * @param arg The argument.
 * @returns The offset, or 501 if it is not a non-negative safe integer.
 * @example
 * parseRestArg('1024'); // { ok: true, value: 1024 }
 */
export function parseRestArg(arg: string): ArgResult<number> {
  const text = arg.trim();
  const n = Number(text);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(n)) {
    return fail(501, 'Syntax error: REST needs a byte offset.');
  }
  return ok(n);
}

/**
 * Parses the argument of `ALLO bytes [R record-size]`. Servers answer 202 (not needed); the
 * parse only catches garbage.
 *
 * @param arg The argument.
 * @returns The byte count, or 501.
 * @example
 * parseAlloArg('5000 R 128'); // { ok: true, value: 5000 }
 */
export function parseAlloArg(arg: string): ArgResult<number> {
  const m = /^\s*(\d{1,16})(?:\s+R\s+\d{1,16})?\s*$/i.exec(arg);
  const n = Number(m?.[1]);
  return m && Number.isSafeInteger(n) ? ok(n) : fail(501, 'Syntax error in ALLO.');
}

/**
 * Parses the argument of AUTH (RFC 4217 4): `TLS`, and the older `TLS-C`, `SSL`, `TLS-P`
 * (which clients use to mean the same TLS handshake; `TLS-P`/`SSL` also imply PROT P).
 *
 * @param arg The argument, any case.
 * @returns The mechanism upper-cased, or 504 for an unknown one.
 * @example
 * parseAuthArg('tls'); // { ok: true, value: 'TLS' }
 */
export function parseAuthArg(arg: string): ArgResult<'TLS' | 'TLS-C' | 'TLS-P' | 'SSL'> {
  const mech = arg.trim().toUpperCase();
  if (mech === 'TLS' || mech === 'TLS-C' || mech === 'TLS-P' || mech === 'SSL') return ok(mech);
  return fail(504, 'Unsupported security mechanism; use AUTH TLS.');
}

/**
 * Parses the argument of PBSZ (RFC 2228; RFC 4217 9: with TLS it must be 0). Any decimal is
 * accepted and the server answers `200 PBSZ=0`, as RFC 4217 tells servers to.
 *
 * @param arg The argument.
 * @returns The requested size, or 501 if not a decimal number.
 * @example
 * parsePbszArg('0'); // { ok: true, value: 0 }
 */
export function parsePbszArg(arg: string): ArgResult<number> {
  const text = arg.trim();
  return /^\d{1,10}$/.test(text)
    ? ok(Number(text))
    : fail(501, 'Syntax error: PBSZ needs a number.');
}

/**
 * Parses the argument of PROT (RFC 2228, RFC 4217 9): `C` (clear) and `P` (private) are
 * supported; `S` and `E` get 536; anything else 504.
 *
 * @param arg The argument, any case.
 * @returns `'C'` or `'P'`, or the refusal.
 * @example
 * parseProtArg('p'); // { ok: true, value: 'P' }
 */
export function parseProtArg(arg: string): ArgResult<'C' | 'P'> {
  const level = arg.trim().toUpperCase();
  if (level === 'C' || level === 'P') return ok(level);
  if (level === 'S' || level === 'E') {
    return fail(536, 'Requested PROT level not supported by mechanism.');
  }
  return fail(504, 'PROT level not recognized; use C or P.');
}
