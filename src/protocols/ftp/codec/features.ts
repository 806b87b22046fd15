/**
 * FEAT (RFC 2389), HELP (RFC 959) and OPTS (RFC 2389, 2640, 3659): what the server says about
 * itself.
 */

import { FTP_COMMANDS, isLeftOut, lookupCommand } from './command-table.js';
import { DEFAULT_MLSX_FACTS, MLSX_FACTS, parseMlstOpts } from './mlsx.js';
import { type ArgResult, fail, ok, type Reply, reply } from './reply.js';

/** Options for {@link featReply}. */
export interface FeatOptions {
  /** Whether `AUTH TLS`, `PBSZ` and `PROT` are offered (only when the server has a certificate). */
  readonly tls?: boolean;
  /** The MLSx facts in force, marked with `*` (default {@link DEFAULT_MLSX_FACTS}). */
  readonly mlstFacts?: readonly string[];
}

/**
 * Builds the FEAT reply: `211-Features:`, one feature per line indented by a space, `211 End`.
 *
 * @param options TLS on or off, and the selected MLSx facts.
 * @returns The reply.
 * @example
 * encodeReply(featReply({ tls: true })); // '211-Features:\r\n AUTH TLS\r\n EPRT\r\n …211 End\r\n'
 */
export function featReply(options: FeatOptions = {}): Reply {
  const active = new Set(options.mlstFacts ?? DEFAULT_MLSX_FACTS);
  const mlst = MLSX_FACTS.map((f) => `${f}${active.has(f) ? '*' : ''};`).join('');
  const lines = [
    ...(options.tls ? ['AUTH TLS'] : []),
    'EPRT',
    'EPSV',
    'MDTM',
    'MFMT',
    `MLST ${mlst}`,
    ...(options.tls ? ['PBSZ', 'PROT'] : []),
    'REST STREAM',
    'SIZE',
    'TVFS',
    'UTF8',
  ];
  return reply(211, 'Features:', ...lines.map((l) => ` ${l}`), 'End');
}

/**
 * Builds the HELP reply: every verb when `verb` is empty (214 multi-line), or one verb's syntax.
 * `HELP SITE` lists the SITE subcommands this server has (none: `SITE` answers 502), and the
 * other verbs it knowingly leaves out are named as such, not as unknown.
 *
 * @param verb The argument of HELP (`''` for none), any case.
 * @returns The 214 reply, or 501 for a verb the server does not know.
 * @example
 * helpReply('cwd'); // { code: 214, lines: ['Syntax: CWD [<sp> dir-name] (change …)'] }
 */
export function helpReply(verb: string): Reply {
  const wanted = verb.trim();
  if (wanted === '') {
    const verbs = [...FTP_COMMANDS.keys(), 'XCUP', 'XCWD', 'XMKD', 'XPWD', 'XRMD'].sort();
    const rows: string[] = [];
    for (let i = 0; i < verbs.length; i += 8) {
      rows.push(
        ` ${verbs
          .slice(i, i + 8)
          .map((v) => v.padEnd(5))
          .join(' ')
          .trimEnd()}`,
      );
    }
    return reply(214, 'The following commands are recognized:', ...rows, 'Help OK.');
  }
  const spec = lookupCommand(wanted);
  const upper = wanted.toUpperCase();
  if (upper === 'SITE') {
    return reply(
      214,
      'SITE <sp> subcommand (site-specific commands)',
      'This server has no SITE subcommands: SITE answers 502.',
    );
  }
  if (spec === undefined && isLeftOut(upper)) {
    return reply(214, `${upper} is known but not implemented here: it answers 502.`);
  }
  if (spec === undefined) return reply(501, `Unknown command ${upper}.`);
  return reply(214, `Syntax: ${spec.help}`);
}

/** A parsed OPTS argument. */
export type OptsRequest =
  /** `OPTS UTF8 ON` (RFC 2640 and the draft that clients follow): UTF-8 is always on here. */
  | { readonly command: 'UTF8'; readonly on: boolean }
  /** `OPTS MLST facts`: the facts chosen, already filtered to the supported ones. */
  | { readonly command: 'MLST'; readonly facts: readonly string[] };

/**
 * Parses the argument of OPTS. The server answers `200 UTF8 set to on` or
 * `200 MLST OPTS type;size;` (RFC 3659 7.9) on success.
 *
 * @param arg The argument, e.g. `UTF8 ON` or `MLST type;size;`.
 * @returns The request, or 501 for a malformed one and 451/501 for unsupported ones.
 * @example
 * parseOptsArg('mlst type;size;'); // { ok: true, value: { command: 'MLST', facts: ['type', 'size'] } }
 */
export function parseOptsArg(arg: string): ArgResult<OptsRequest> {
  const trimmed = arg.trim();
  const space = trimmed.indexOf(' ');
  const command = (space === -1 ? trimmed : trimmed.slice(0, space)).toUpperCase();
  const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
  if (command === 'UTF8' || command === 'UTF-8') {
    const value = rest.toUpperCase();
    if (value === 'ON' || value === '') return ok({ command: 'UTF8', on: true });
    if (value === 'OFF') return ok({ command: 'UTF8', on: false });
    return fail(501, 'Syntax error: use OPTS UTF8 ON.');
  }
  if (command === 'MLST') {
    if (rest.includes(' ')) return fail(501, 'Syntax error: use OPTS MLST fact;fact;');
    return ok({ command: 'MLST', facts: parseMlstOpts(rest) });
  }
  return fail(501, `Option not understood for ${command || 'OPTS'}.`);
}
