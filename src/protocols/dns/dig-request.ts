/**
 * What a `polyport dig` command line asks for, read from dig's mixed syntax. A file of its own
 * so that cli.ts answers `--help` without the DNS codec, which reading a name and a type needs.
 */
import type { LocalServer } from '../common/cli-command.js';
import { suggest } from '../common/suggest.js';
import { RRType, typeFromString } from './codec/constants.js';
import { normalizeName } from './codec/name.js';
import { reverseName } from './codec/reverse-name.js';

/** dig's `+` options this command knows, for a did-you-mean. */
const PLUS_OPTIONS = [
  '+tcp',
  '+notcp',
  '+vc',
  '+novc',
  '+recurse',
  '+norecurse',
  '+edns',
  '+noedns',
  '+bufsize=',
  '+dnssec',
  '+short',
  '+noshort',
];

/** What a `polyport dig` command line asks for: the question, where to send it and how. */
export interface DigRequest {
  /** The name asked about, normalized (`www.example.test.`). */
  readonly name: string;
  /** The record type (`RRType`). */
  readonly type: number;
  /** The server's host and port. */
  readonly server: readonly [string, number];
  /** Ask over TCP (`+tcp`) rather than UDP. */
  readonly tcp: boolean;
  /** Set RD, recursion desired (`+norecurse` clears it). */
  readonly recurse: boolean;
  /** The EDNS UDP payload size to advertise, or `false` for no OPT record (`+noedns`). */
  readonly edns: number | false;
  /** Set the DO bit (`+dnssec`). */
  readonly dnssec: boolean;
  /** Print only the answer's record data (`+short`). */
  readonly short: boolean;
  /** Seconds to wait for each try. */
  readonly timeout: number;
}

/** dig's dash options, as `parseArgs` gives them (cli.ts). */
export interface DigOptions {
  readonly port?: string | undefined;
  readonly type?: string | undefined;
  readonly reverse?: string | undefined;
  readonly timeout?: string | undefined;
}

/**
 * Reads dig's mixed syntax, once `parseArgs` has taken the dash options: `@server`, `+option`
 * and up to two words (name, type), in any order.
 * @param values the dash options (`-p`, `-t`, `-x`, `--timeout`).
 * @param positionals the rest, in order.
 * @param local where polyport serve's DNS service is, the server when no `@SERVER` is given.
 * @returns the request.
 * @throws {Error} a bad command line, its message the line to show.
 * @example digRequest({}, ['www.example.test', 'MX', '+short'], { host: '127.0.0.1', port: 10053 });
 */
export function digRequest(
  values: DigOptions,
  positionals: readonly string[],
  local: LocalServer,
): DigRequest {
  let server: string | null = null;
  let tcp = false;
  let recurse = true;
  let edns: number | false = 1232;
  let dnssec = false;
  let short = false;
  const words: string[] = [];
  for (const arg of positionals) {
    if (arg.startsWith('@')) {
      server = arg.slice(1);
      if (server === '') throw new Error('empty server after @');
    } else if (arg.startsWith('+')) {
      const option = arg.slice(1).toLowerCase();
      const bufsize = /^bufsize=(\d+)$/.exec(option);
      if (option === 'tcp' || option === 'vc') tcp = true;
      else if (option === 'notcp' || option === 'novc') tcp = false;
      else if (option === 'recurse' || option === 'rec') recurse = true;
      else if (option === 'norecurse' || option === 'norec') recurse = false;
      else if (option === 'edns') edns = edns === false ? 1232 : edns;
      else if (option === 'noedns') edns = false;
      else if (option === 'dnssec') dnssec = true;
      else if (option === 'short') short = true;
      else if (option === 'noshort') short = false;
      else if (bufsize !== null) edns = Math.max(512, Math.min(65535, Number(bufsize[1])));
      else {
        const near = suggest(arg, PLUS_OPTIONS);
        throw new Error(
          `unknown option ${arg}${near === undefined ? '' : ` (did you mean ${near}?)`}`,
        );
      }
    } else words.push(arg);
  }
  let name: string | undefined;
  let type: number | undefined;
  if (values.reverse !== undefined) {
    try {
      name = reverseName(values.reverse);
    } catch {
      throw new Error(`-x needs an IP address, got '${values.reverse}'`);
    }
    type = RRType.PTR;
  }
  // As dig: a word that names a type (and has no dot) is the type, the other is the name,
  // in either order.
  for (const word of words) {
    if (type === undefined || (values.reverse !== undefined && type === RRType.PTR)) {
      const asType = word.includes('.') ? undefined : typeFromString(word);
      if (asType !== undefined) {
        type = asType;
        continue;
      }
    }
    if (name !== undefined) throw new Error(`unexpected argument '${word}'`);
    name = word;
  }
  if (values.type !== undefined) type = typeOf(values.type);
  try {
    name = normalizeName(name ?? '.');
  } catch (err) {
    throw new Error(`bad name '${name}': ${(err as Error).message}`);
  }
  const port =
    values.port === undefined ? (server === null ? local.port : 53) : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`-p needs a port number 1-65535, got '${values.port}'`);
  }
  const timeout = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!(timeout > 0)) throw new Error(`--timeout needs a positive number of seconds`);
  return {
    name,
    type: type ?? RRType.A,
    server: [server ?? local.host, port],
    tcp,
    recurse,
    edns: dnssec && edns === false ? 1232 : edns,
    dnssec,
    short,
    timeout,
  };
}

function typeOf(word: string): number {
  const type = typeFromString(word);
  if (type === undefined) throw new Error(`unknown record type '${word}'`);
  return type;
}
