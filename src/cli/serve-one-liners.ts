/**
 * `polyport serve http [DIR]` and its siblings: one service (and the admin listener) from a word
 * and a path, as `python -m http.server` and `python -m pyftpdlib` do. A one-liner is nothing but
 * `--set` values put before the user's own, so `--config`, `--set`, `--print-config` and SIGHUP
 * work as with the plain `serve`, and a `--set` still has the last word.
 */
import { basename, resolve } from 'node:path';
import { FTP_PERMISSIONS, type PolyportConfig } from '../host/index.js';
import { suggest } from '../protocols/common/suggest.js';
import { peerText } from '../server/server-observer.js';
import type { ListedListener } from './listener-listing.js';
import { integerOption } from './number-option.js';
import { userCacheDir } from './user-cache-dir.js';

/** The options of `serve` that only a one-liner takes, as `parseArgs` gives them. */
export interface OneLinerFlags {
  readonly port?: string | undefined;
  readonly bind?: string | undefined;
  readonly write?: boolean | undefined;
  readonly 'accept-all'?: boolean | undefined;
}

/** A flag that one one-liner alone takes (`--write` for ftp). */
type OwnFlag = 'write' | 'accept-all';

/** One `polyport serve NAME …`. */
export interface OneLiner {
  /** The word after `serve`: the service it runs. */
  readonly name: string;
  /** Its arguments after the name, as its usage line shows them (`[DIR]`). */
  readonly args: string;
  /** Its line under "One service" in `serve --help`. */
  readonly summary: string;
  /** What it does, for `serve NAME --help`. */
  readonly description: string;
  /** The flag only it takes, with its help line. */
  readonly flag?: { readonly name: OwnFlag; readonly help: string };
  /** The services it runs, the named one first (`--bind` moves them all; admin runs too). */
  readonly services: readonly string[];
  /** A command line for its help. */
  readonly example: string;
  /**
   * Its own `--set` values.
   * @param args the words after its name.
   * @param flag whether its own flag was given.
   * @param cwd what a relative path is relative to.
   * @throws {Error} for arguments it cannot take.
   */
  sets(args: readonly string[], flag: boolean, cwd: string): string[];
  /** The line under the listing that says what is served where, from the effective config. */
  hint(config: PolyportConfig, where: (service: string) => string | undefined): string;
}

/** Takes at most one DIR (default: the current directory), as an absolute path. */
function directory(args: readonly string[], cwd: string): string {
  if (args.length > 1) throw new Error(`takes one DIR, got '${args.join("' '")}'`);
  return resolve(cwd, args[0] ?? '.');
}

/**
 * The one-liners, in the order `serve --help` lists them.
 *
 * @example
 * ONE_LINERS.find((o) => o.name === 'http')?.sets(['site'], false, '/home/me');
 * // ['http.root=/home/me/site']
 */
export const ONE_LINERS: readonly OneLiner[] = [
  {
    name: 'http',
    args: '[DIR]',
    summary: 'serve DIR (default: the current directory) over HTTP, with directory listings',
    description:
      'Serves DIR (default: the current directory) over HTTP/1.1, with directory listings, as\n' +
      "Python's http.server does.",
    services: ['http'],
    example: 'polyport serve http ./site --port 8000',
    sets: (args, _flag, cwd) => [`http.root=${directory(args, cwd)}`],
    hint: (config, where) => `Serving ${config.http.root} at http://${where('http')}/\n`,
  },
  {
    name: 'ftp',
    args: '[DIR]',
    summary: 'serve DIR over FTP to anonymous users, read-only (--write: read-write)',
    description:
      'Serves DIR (default: the current directory) over FTP to anonymous users (USER anonymous\n' +
      'or ftp, any password), read-only: nobody may change DIR, the sample user demo included.\n' +
      'With --write, anonymous users may also upload, make folders, rename and delete, as with\n' +
      "pyftpdlib's -w.",
    flag: { name: 'write', help: 'let anonymous users upload, make folders, rename and delete' },
    services: ['ftp'],
    example: 'polyport serve ftp ./share --write',
    sets: (args, write, cwd) => [
      `ftp.root=${directory(args, cwd)}`,
      'ftp.anonymous=true',
      `ftp.anonymousPermissions=${write ? FTP_PERMISSIONS.join(',') : 'list,read'}`,
      `ftp.readOnly=${!write}`,
    ],
    hint(config, where) {
      const { root, anonymous, anonymousPermissions, readOnly } = config.ftp;
      const writes = !readOnly && anonymousPermissions.some((p) => p !== 'list' && p !== 'read');
      const who = anonymous ? `anonymous, ${writes ? 'read-write' : 'read-only'}` : 'its users';
      return `Serving ${root} at ftp://${where('ftp')}/ (${who})\n`;
    },
  },
  {
    name: 'smtp',
    args: '',
    summary: 'take mail over SMTP and keep it for POP3 (--accept-all: a mail catcher)',
    description:
      "Takes mail over SMTP and keeps it in the users' mailboxes, which POP3 serves (the\n" +
      'sample user demo, password demo, receives demo@example.test). With --accept-all, mail\n' +
      "to any address in any domain lands in one mailbox (demo's): a mail catcher for testing\n" +
      'what an application sends.',
    flag: { name: 'accept-all', help: 'take mail for every address, into one mailbox' },
    services: ['smtp', 'pop3'],
    example: 'polyport serve smtp --accept-all --port 2525',
    sets: (args, acceptAll) => {
      if (args.length > 0) throw new Error(`takes no argument, got '${args[0]}'`);
      return acceptAll ? ['smtp.acceptAll=true'] : [];
    },
    hint(config, where) {
      const { acceptAll, catchAll, domains } = config.smtp;
      const takes = acceptAll ? 'every address' : domains.join(', ');
      const pop3 = where('pop3');
      const user = acceptAll ? catchAll || config.users[0]?.name : undefined;
      const login =
        user === undefined ? '' : ` as ${user}${config.sampleUsers ? ` (password ${user})` : ''}`;
      const read = pop3 === undefined ? '' : `; read it over POP3 at ${pop3}${login}`;
      return `Taking mail for ${takes} at smtp://${where('smtp')}${read}\n`;
    },
  },
  {
    name: 'dns',
    args: 'ZONEFILE...',
    summary: 'answer from ZONEFILE (RFC 1035 master files) over UDP and TCP',
    description:
      'Answers queries for the zones of the ZONEFILEs (RFC 1035 master files; the origin is\n' +
      'the file name without .zone or .db unless the file sets $ORIGIN) over UDP and TCP, and\n' +
      'REFUSED for names outside them.',
    services: ['dns'],
    example: 'polyport serve dns example.test.zone',
    sets(args, _flag, cwd) {
      if (args.length === 0) throw new Error('needs a ZONEFILE');
      // dns.zones is a list, which --set separates at commas.
      const comma = args.find((a) => a.includes(','));
      if (comma !== undefined) throw new Error(`a ZONEFILE name cannot hold a comma: '${comma}'`);
      return [`dns.zones=${args.map((a) => resolve(cwd, a)).join(',')}`];
    },
    hint(config, where) {
      const at = where('dns') ?? '';
      const port = /:(\d+)$/.exec(at)?.[1] ?? '';
      const host = at.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
      const files = config.dns.zones.map((z) => basename(z)).join(', ');
      return `Answering from ${files} at ${at} (UDP and TCP): dig @${host} -p ${port} NAME\n`;
    },
  },
];

/**
 * Finds the one-liner `name`.
 * @param name the word after `serve`.
 * @param services the names of the services `serve` runs (a one-liner needs all of its own).
 * @returns the one-liner.
 * @throws {Error} naming the one-liners (and the nearest, for a typo) when there is none.
 * @example oneLiner('http', ['admin', 'http', 'ftp']).services; // ['http']
 */
export function oneLiner(name: string, services: readonly string[]): OneLiner {
  const offered = ONE_LINERS.filter((o) => o.services.every((s) => services.includes(s)));
  const found = offered.find((o) => o.name === name);
  if (found !== undefined) return found;
  const names = offered.map((o) => o.name);
  const near = suggest(name, names);
  const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
  const list = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  throw new Error(`cannot serve '${name}' alone${hint}: the one-liners are ${list}`);
}

/**
 * The `--set` values of a one-liner: every other service off (but the admin listener), `--port`
 * on the named service, `--bind` on its services, its own arguments, and, without `--config`, a
 * data directory outside the current one (below).
 * @param one the one-liner.
 * @param args the words after its name.
 * @param flags the one-liner options given.
 * @param options the names of every service `serve` runs, whether a config file was named, the
 *   working directory and the environment.
 * @returns the `--set` values, to go before the user's own.
 * @throws {Error} for arguments or options it cannot take (the message names them).
 * @example
 * oneLinerSets(ONE_LINERS[0]!, ['site'], { port: '8000' },
 *   { services: ['admin', 'http', 'ftp'], config: false, cwd: '/srv', env: {} });
 * // ['ftp.enabled=false', 'http.port=8000', 'http.root=/srv/site', 'dataDir=/home/me/.cache/polyport']
 */
export function oneLinerSets(
  one: OneLiner,
  args: readonly string[],
  flags: OneLinerFlags,
  options: {
    readonly services: readonly string[];
    readonly config: boolean;
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
  },
): string[] {
  for (const flag of ['write', 'accept-all'] as const) {
    if (flags[flag] && one.flag?.name !== flag) {
      const owner = ONE_LINERS.find((o) => o.flag?.name === flag)?.name;
      throw new Error(`--${flag} is for 'polyport serve ${owner}'`);
    }
  }
  const sets = options.services
    .filter((s) => s !== 'admin' && !one.services.includes(s))
    .map((s) => `${s}.enabled=false`);
  if (flags.port !== undefined) {
    sets.push(`${one.name}.port=${integerOption('--port', flags.port, 0, 0, 65535)}`);
  }
  if (flags.bind !== undefined) sets.push(...one.services.map((s) => `${s}.address=${flags.bind}`));
  sets.push(
    ...one.sets(args, one.flag !== undefined && flags[one.flag.name] === true, options.cwd),
  );
  // `serve ftp` in a folder would otherwise make ./polyport-data/tls/key.pem inside the very
  // tree it serves to anonymous users, and `serve http .` would list an empty polyport-data/.
  // A config file keeps its own dataDir (or the default), since a --set would override it.
  if (!options.config) sets.push(`dataDir=${userCacheDir(options.env)}`);
  return sets;
}

/**
 * The plain `serve`'s own `--set` values: none. It takes no one-liner option, and says which
 * one-liners do.
 * @param flags the one-liner options given.
 * @returns an empty list.
 * @throws {Error} naming the first one-liner option given and the one-liners that take it.
 * @example plainServeSets({ port: '8000' }); // throws: --port needs a one-liner: …
 */
export function plainServeSets(flags: OneLinerFlags): string[] {
  for (const option of ['port', 'bind', 'write', 'accept-all'] as const) {
    if (flags[option] === undefined) continue;
    const takers =
      option === 'port' || option === 'bind'
        ? ONE_LINERS
        : ONE_LINERS.filter((o) => o.flag?.name === option);
    const names = takers.map((o) => o.name).join('|');
    throw new Error(`--${option} needs a one-liner: polyport serve ${names} --${option} …`);
  }
  return [];
}

/**
 * The line under the listing that says what a one-liner serves where (`Serving /srv/site at
 * http://127.0.0.1:10080/`).
 * @param one the one-liner.
 * @param config the effective config.
 * @param listeners where the host listens.
 * @returns the line, ending in `\n`.
 * @example oneLinerHint(ONE_LINERS[0]!, config, host.listeners);
 */
export function oneLinerHint(
  one: OneLiner,
  config: PolyportConfig,
  listeners: readonly ListedListener[],
): string {
  const where = (service: string): string | undefined => {
    const l = listeners.find((x) => x.service === service);
    return l === undefined ? undefined : peerText([l.address, l.port]);
  };
  return one.hint(config, where);
}

/** The one-liner options, as `serve --help` and `serve NAME --help` show them. */
const OPTIONS = `  -p, --port N             the service's port (default: its usual one + portOffset, as
                           without a one-liner: http 10080, ftp 10021, smtp 10025, dns 10053)
  -b, --bind ADDR          the address it listens on (default 127.0.0.1); the admin listener
                           stays on loopback`;

/** The usage line of a one-liner. */
function usage(one: OneLiner): string {
  const flag = one.flag === undefined ? '' : ` [--${one.flag.name}]`;
  return `polyport serve ${one.name}${one.args ? ` ${one.args}` : ''}${flag} [--port N] [--bind ADDR] [options]`;
}

/**
 * The one-liners' part of `serve --help`: their usage lines, and a section listing each.
 * @returns `usage`, the lines to put under serve's own usage line (each `       polyport serve
 *   …`), and `section`, the "One service" section with the one-liner options.
 * @example const { usage, section } = oneLinersHelp();
 */
export function oneLinersHelp(): { usage: string; section: string } {
  const heads = ONE_LINERS.map((o) => `${o.name}${o.args ? ` ${o.args}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  const flags = ONE_LINERS.flatMap((o) =>
    o.flag === undefined ? [] : [`      --${o.flag.name.padEnd(19)}${o.name}: ${o.flag.help}`],
  );
  return {
    usage: ONE_LINERS.map((o) => `       ${usage(o)}\n`).join(''),
    section: [
      'One service (and the admin listener, for the status page and the API), nothing else:',
      ...ONE_LINERS.map((o, i) => `  ${heads[i]!.padEnd(width)}  ${o.summary}`),
      '',
      'One-liner options (every option above works too; a --set wins over them):',
      OPTIONS,
      ...flags,
      '',
    ].join('\n'),
  };
}

/**
 * `polyport serve NAME --help`.
 * @param one the one-liner.
 * @returns the help text.
 * @example io.stdout.write(oneLinerHelp(oneLiner('http', names)));
 */
export function oneLinerHelp(one: OneLiner): string {
  const flag =
    one.flag === undefined ? [] : [`      --${one.flag.name.padEnd(19)}${one.flag.help}`];
  return [
    `Usage: ${usage(one)}`,
    '',
    one.description,
    '',
    `Only ${one.services.join(' and ')} and the admin listener (the status page and the API, on`,
    'port 10001 by default) run.',
    'Without --config, data (certificates, mailboxes) goes to ~/.cache/polyport, not the',
    'current directory.',
    '',
    'Options:',
    OPTIONS,
    ...flag,
    "  and every option of 'polyport serve' (--config, --set, --print-config, --quiet, ...);",
    '  a --set wins over the options above.',
    '',
    'Example:',
    `  ${one.example}`,
    '',
  ].join('\n');
}
