/**
 * TYPE, MODE and STRU arguments (RFC 959 4.1.2, 5.3.2). The server supports what RFC 1123
 * 4.1.2.13 asks of every server that matters in practice: ASCII non-print and image types,
 * stream mode, file structure. Valid but unsupported values get 504, garbage 501.
 */

import { type ArgResult, fail, ok } from './reply.js';

/** The transfer type: `ascii` converts line ends, `image` sends bytes as they are. */
export type TransferType = 'ascii' | 'image';

/**
 * Parses the argument of TYPE: `A`, `A N`, `I`, `L 8` (the same as `I` on 8-bit hosts).
 *
 * @param arg The argument, any case.
 * @returns The type; 504 for `E`, `A T`, `A C`, `L 7` and the like; 501 for anything else.
 * @example
 * parseTypeArg('L 8'); // { ok: true, value: 'image' }
 * parseTypeArg('E'); // { ok: false, reply: { code: 504, … } }
 */
export function parseTypeArg(arg: string): ArgResult<TransferType> {
  const words = arg.trim().toUpperCase().split(/\s+/);
  const [code, param] = words;
  if (words.length > 2) return fail(501, 'Syntax error in TYPE.');
  switch (code) {
    case 'A':
      if (param === undefined || param === 'N') return ok('ascii');
      return param === 'T' || param === 'C'
        ? fail(504, 'TYPE A supports only format N.')
        : fail(501, 'Syntax error in TYPE.');
    case 'I':
      return param === undefined ? ok('image') : fail(501, 'Syntax error in TYPE.');
    case 'L':
      if (param === '8') return ok('image');
      return param !== undefined && /^\d+$/.test(param)
        ? fail(504, 'Only byte size 8 is supported.')
        : fail(501, 'Syntax error in TYPE.');
    case 'E':
      return param === undefined || /^[NTC]$/.test(param)
        ? fail(504, 'TYPE E is not supported.')
        : fail(501, 'Syntax error in TYPE.');
    default:
      return fail(501, 'Syntax error in TYPE.');
  }
}

function single(verb: string, arg: string, supported: string, known: string): ArgResult<string> {
  const value = arg.trim().toUpperCase();
  if (value === supported) return ok(value);
  if (value.length === 1 && known.includes(value)) {
    return fail(504, `${verb} ${value} is not supported; only ${supported}.`);
  }
  return fail(501, `Syntax error in ${verb}.`);
}

/**
 * Parses the argument of MODE: `S` (stream) is supported; `B` and `C` get 504.
 *
 * @param arg The argument, any case.
 * @returns `'S'`, or 504/501.
 * @example
 * parseModeArg('b'); // { ok: false, reply: { code: 504, … } }
 */
export function parseModeArg(arg: string): ArgResult<'S'> {
  return single('MODE', arg, 'S', 'SBC') as ArgResult<'S'>;
}

/**
 * Parses the argument of STRU: `F` (file) is supported; `R` and `P` get 504.
 *
 * @param arg The argument, any case.
 * @returns `'F'`, or 504/501.
 * @example
 * parseStruArg('F'); // { ok: true, value: 'F' }
 */
export function parseStruArg(arg: string): ArgResult<'F'> {
  return single('STRU', arg, 'F', 'FRP') as ArgResult<'F'>;
}
