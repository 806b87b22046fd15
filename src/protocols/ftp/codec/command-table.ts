/**
 * The FTP server's command table: which verbs exist, what each needs, and the checks every
 * command passes before the server acts on it.
 */

import { type ArgResult, fail, ok } from './reply.js';

/** A right a user may hold over the file tree; the server's user config grants a set of these. */
export type Permission = 'list' | 'read' | 'write' | 'delete' | 'rename' | 'mkdir';

/** Whether a command takes an argument. */
export type ArgRule = 'required' | 'optional' | 'none';

/** What the server knows about one verb. */
export interface CommandSpec {
  /** The canonical verb: `XPWD` resolves to the `PWD` spec. */
  readonly verb: string;
  /** Whether the client must have logged in first (else 530). */
  readonly needsLogin: boolean;
  /** Whether an argument is required, allowed, or refused (else 501). */
  readonly arg: ArgRule;
  /** The right the command needs, if any (else 550). */
  readonly permission?: Permission;
  /** The `HELP verb` text: the syntax, then what it does. */
  readonly help: string;
}

type Row = readonly [
  verb: string,
  login: boolean,
  arg: ArgRule,
  perm: Permission | null,
  help: string,
];

// One row per verb, in HELP order. Pre-login verbs are the ones a client needs to log in,
// negotiate TLS or features, or leave; everything touching the tree needs a login.
const ROWS: readonly Row[] = [
  ['ABOR', true, 'none', null, 'ABOR (abort the current transfer)'],
  ['ACCT', false, 'required', null, 'ACCT <sp> account (send account information)'],
  ['ALLO', true, 'required', null, 'ALLO <sp> bytes (allocate storage; a no-op here)'],
  ['APPE', true, 'required', 'write', 'APPE <sp> file-name (append data to a file)'],
  ['AUTH', false, 'required', null, 'AUTH <sp> TLS (start TLS on the control connection)'],
  ['CDUP', true, 'none', null, 'CDUP (go to the parent directory)'],
  ['CWD', true, 'optional', null, 'CWD [<sp> dir-name] (change the working directory)'],
  ['DELE', true, 'required', 'delete', 'DELE <sp> file-name (delete a file)'],
  ['EPRT', true, 'required', null, 'EPRT <sp> |proto|addr|port| (extended active mode)'],
  ['EPSV', true, 'optional', null, 'EPSV [<sp> proto|ALL] (extended passive mode)'],
  ['FEAT', false, 'none', null, 'FEAT (list the extensions this server supports)'],
  ['HELP', false, 'optional', null, 'HELP [<sp> command] (show help)'],
  ['LIST', true, 'optional', 'list', 'LIST [<sp> path] (list files in ls -l format)'],
  ['MDTM', true, 'required', 'read', 'MDTM <sp> file-name (show a file modification time)'],
  [
    'MFMT',
    true,
    'required',
    'write',
    'MFMT <sp> YYYYMMDDHHMMSS <sp> path (set a modification time)',
  ],
  ['MKD', true, 'required', 'mkdir', 'MKD <sp> path-name (make a directory)'],
  ['MLSD', true, 'optional', 'list', 'MLSD [<sp> path] (list a directory, machine-readable)'],
  ['MLST', true, 'optional', 'list', 'MLST [<sp> path] (describe one file, machine-readable)'],
  ['MODE', true, 'required', null, 'MODE <sp> S (set the transfer mode; only stream)'],
  ['NLST', true, 'optional', 'list', 'NLST [<sp> path] (list file names)'],
  ['NOOP', false, 'none', null, 'NOOP (do nothing)'],
  ['OPTS', false, 'required', null, 'OPTS <sp> command [<sp> options] (set command options)'],
  ['PASS', false, 'optional', null, 'PASS [<sp> password] (send the password)'],
  ['PASV', true, 'none', null, 'PASV (enter passive mode)'],
  ['PBSZ', false, 'required', null, 'PBSZ <sp> 0 (set the protection buffer size)'],
  ['PORT', true, 'required', null, 'PORT <sp> h1,h2,h3,h4,p1,p2 (enter active mode)'],
  ['PROT', false, 'required', null, 'PROT <sp> C|P (set the data channel protection level)'],
  ['PWD', true, 'none', null, 'PWD (print the working directory)'],
  ['QUIT', false, 'none', null, 'QUIT (close the connection)'],
  ['REIN', false, 'none', null, 'REIN (log out and start a new session)'],
  ['REST', true, 'required', null, 'REST <sp> offset (restart a transfer at an offset)'],
  ['RETR', true, 'required', 'read', 'RETR <sp> file-name (download a file)'],
  ['RMD', true, 'required', 'delete', 'RMD <sp> dir-name (remove a directory)'],
  ['RNFR', true, 'required', 'rename', 'RNFR <sp> file-name (rename from)'],
  ['RNTO', true, 'required', 'rename', 'RNTO <sp> file-name (rename to)'],
  ['SIZE', true, 'required', 'read', 'SIZE <sp> file-name (show a file size)'],
  ['STAT', true, 'optional', null, 'STAT [<sp> path] (show server status or list a path)'],
  ['STOR', true, 'required', 'write', 'STOR <sp> file-name (upload a file)'],
  ['STOU', true, 'optional', 'write', 'STOU (upload a file under a unique name)'],
  ['STRU', true, 'required', null, 'STRU <sp> F (set the file structure; only file)'],
  ['SYST', false, 'none', null, 'SYST (show the system type)'],
  ['TYPE', true, 'required', null, 'TYPE <sp> A|I (set the transfer type)'],
  ['USER', false, 'required', null, 'USER <sp> user-name (send the user name)'],
];

/** RFC 959 names the X-forms (from RFC 775) as synonyms some old clients still send. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['XCUP', 'CDUP'],
  ['XCWD', 'CWD'],
  ['XMKD', 'MKD'],
  ['XPWD', 'PWD'],
  ['XRMD', 'RMD'],
]);

/** Verbs some RFC defines that this server knowingly leaves out: 502, not 500. */
const UNIMPLEMENTED: ReadonlySet<string> = new Set([
  'ADAT',
  'CCC',
  'CONF',
  'ENC',
  'LANG',
  'LPRT',
  'LPSV',
  'MIC',
  'SITE',
  'SMNT',
]);

/**
 * Tells whether a verb is one some RFC defines and this server knowingly leaves out (it answers
 * 502 to it, not 500).
 *
 * @param verb The verb, any case.
 * @returns `true` for ADAT, CCC, CONF, ENC, LANG, LPRT, LPSV, MIC, SITE and SMNT.
 * @example
 * isLeftOut('site'); // true
 */
export function isLeftOut(verb: string): boolean {
  return UNIMPLEMENTED.has(verb.toUpperCase());
}

/**
 * Every verb the server implements, keyed by canonical verb.
 *
 * @example
 * FTP_COMMANDS.get('RETR')?.permission; // 'read'
 */
export const FTP_COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  ROWS.map(([verb, needsLogin, arg, perm, help]) => [
    verb,
    perm === null
      ? { verb, needsLogin, arg, help }
      : { verb, needsLogin, arg, permission: perm, help },
  ]),
);

/**
 * Finds the spec for a verb, following the X-aliases.
 *
 * @param verb The verb, any case.
 * @returns The spec, or `undefined` for an unknown verb.
 * @example
 * lookupCommand('xpwd')?.verb; // 'PWD'
 */
export function lookupCommand(verb: string): CommandSpec | undefined {
  const upper = verb.toUpperCase();
  return FTP_COMMANDS.get(ALIASES.get(upper) ?? upper);
}

/** The session facts {@link checkCommand} needs. */
export interface CommandContext {
  /** Whether USER/PASS succeeded. */
  readonly loggedIn: boolean;
  /** The logged-in user's rights; all rights when omitted. */
  readonly permissions?: ReadonlySet<Permission>;
}

/**
 * Runs the checks every command passes before the server acts on it, in the order RFC 959's
 * replies imply: unknown verb (500, or 502 for verbs left out), not logged in (530), argument
 * missing or not allowed (501), permission missing (550).
 *
 * @param verb The verb from the command event.
 * @param arg The argument from the command event (`''` when none).
 * @param context Whether the session is logged in, and its rights.
 * @returns The spec to dispatch on, or the reply to send.
 * @example
 * checkCommand('RETR', 'a.txt', { loggedIn: false }); // { ok: false, reply: { code: 530, … } }
 * checkCommand('XPWD', '', { loggedIn: true }); // { ok: true, value: { verb: 'PWD', … } }
 */
export function checkCommand(
  verb: string,
  arg: string,
  context: CommandContext,
): ArgResult<CommandSpec> {
  const spec = lookupCommand(verb);
  if (spec === undefined) {
    return UNIMPLEMENTED.has(verb.toUpperCase())
      ? fail(502, 'Command not implemented.')
      : fail(500, 'Syntax error, command unrecognized.');
  }
  if (spec.needsLogin && !context.loggedIn) {
    return fail(530, 'Please log in with USER and PASS first.');
  }
  if (spec.arg === 'required' && arg.trim() === '') {
    return fail(501, `Syntax error: ${spec.verb} needs an argument.`);
  }
  if (spec.arg === 'none' && arg.trim() !== '') {
    return fail(501, `Syntax error: ${spec.verb} takes no argument.`);
  }
  if (spec.permission !== undefined && context.permissions?.has(spec.permission) === false) {
    return fail(550, 'Permission denied.');
  }
  return ok(spec);
}
