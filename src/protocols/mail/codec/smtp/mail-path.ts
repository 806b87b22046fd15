/**
 * The address arguments of `MAIL FROM:` and `RCPT TO:` (RFC 5321 §4.1.2): a path in angle
 * brackets, then ESMTP parameters.
 */

/** A parsed reverse-path or forward-path. The null path `<>` has every field empty. */
export interface MailPath {
  /** `local@domain` as sent (a quoted local part keeps its quotes); `''` for `<>`. */
  readonly address: string;
  readonly localPart: string;
  /** The domain or address literal; `''` for `<>` and `<postmaster>`. */
  readonly domain: string;
}

/** The result of {@link parseMailArgument}: a path and parameters, or why it failed. */
export type MailArgument =
  | {
      readonly ok: true;
      readonly path: MailPath;
      /** Parameter keywords upper-cased; `null` for a keyword without a value. */
      readonly params: ReadonlyMap<string, string | null>;
    }
  | { readonly ok: false; readonly error: 'syntax' | 'address' | 'too-long' | 'params' };

/** Options for {@link parseMailArgument}. */
export interface MailArgumentOptions {
  /** `from` allows `<>`; `to` allows `<postmaster>` without a domain. */
  readonly kind: 'from' | 'to';
  /** Longest path accepted, brackets included (RFC 5321 §4.5.3.1.3: 256). */
  readonly maxPathLength: number;
}

const DOT_STRING = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const DOMAIN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const LITERAL =
  /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$/;
const ROUTE = /^@[^,:]+(?:,@[^,:]+)*:/;
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const VALUE = /^[\x21-\x3c\x3e-\x7e]+$/;

/**
 * Parses what follows `MAIL ` or `RCPT ` (e.g. `FROM:<a@example.test> SIZE=100`). Spaces after
 * the colon are tolerated, as Postfix does; a source route (`<@relay:a@b>`) is accepted and
 * dropped as RFC 5321 §C asks. Only ASCII addresses (no SMTPUTF8).
 *
 * @param arg The command's argument text.
 * @param options Which command it is and the path length limit.
 * @returns The path and parameters, or the kind of error for the caller's reply.
 * @example
 * parseMailArgument('FROM:<> BODY=8BITMIME', { kind: 'from', maxPathLength: 256 });
 * // { ok: true, path: { address: '', localPart: '', domain: '' }, params: Map { 'BODY' => '8BITMIME' } }
 */
export function parseMailArgument(arg: string, options: MailArgumentOptions): MailArgument {
  const keyword = options.kind === 'from' ? 'FROM:' : 'TO:';
  if (arg.slice(0, keyword.length).toUpperCase() !== keyword) return { ok: false, error: 'syntax' };
  const rest = arg.slice(keyword.length).replace(/^ +/, '');
  if (!rest.startsWith('<')) return { ok: false, error: 'address' };
  const close = findClose(rest);
  if (close === -1) return { ok: false, error: 'address' };
  if (close + 1 > options.maxPathLength) return { ok: false, error: 'too-long' };
  const path = parsePath(rest.slice(1, close), options.kind);
  if (path === null) return { ok: false, error: 'address' };
  const params = parseParams(rest.slice(close + 1));
  if (params === null) return { ok: false, error: 'params' };
  return { ok: true, path, params };
}

/** Finds the `>` closing the path, skipping a quoted local part that may contain one. */
function findClose(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '>') return i;
  }
  return -1;
}

function parsePath(inner: string, kind: 'from' | 'to'): MailPath | null {
  if (inner === '') return kind === 'from' ? { address: '', localPart: '', domain: '' } : null;
  let mailbox = inner;
  const route = ROUTE.exec(inner);
  if (route !== null) {
    const hops = route[0].slice(0, -1).split(',');
    if (!hops.every((hop) => isDomain(hop.slice(1)))) return null;
    mailbox = inner.slice(route[0].length);
  }
  if (kind === 'to' && route === null && mailbox.toLowerCase() === 'postmaster') {
    return { address: mailbox, localPart: mailbox, domain: '' };
  }
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) return null;
  const localPart = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  // RFC 5321 §4.5.3.1.1-2: 64 octets of local part, 255 of domain.
  if (localPart.length > 64 || domain.length > 255) return null;
  if (!DOT_STRING.test(localPart) && !QUOTED.test(localPart)) return null;
  if (!isDomain(domain) && !LITERAL.test(domain)) return null;
  return { address: `${localPart}@${domain}`, localPart, domain };
}

/**
 * The form of a mailbox that addresses are compared in: a quoted local part whose content
 * needs no quoting is that content (RFC 5321 §4.1.2: `"demo"@x` and `demo@x` are one mailbox);
 * one that needs quoting is re-quoted with the fewest backslashes (`"john\ smith"` becomes
 * `"john smith"`). The domain and the case are left as given; the caller decides about case.
 * Text that is not `local@domain` (`postmaster`, `''`) comes back unchanged.
 *
 * @param address `local@domain`, as in `MailPath.address` or a user's `mail` list.
 * @returns The address with its local part in canonical form.
 * @example
 * canonicalMailbox('"demo"@example.test'); // 'demo@example.test'
 * canonicalMailbox('"de\\ mo"@example.test'); // '"de mo"@example.test'
 */
export function canonicalMailbox(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at <= 0 || !QUOTED.test(local)) return address;
  const content = local.slice(1, -1).replace(/\\(.)/g, '$1');
  if (DOT_STRING.test(content)) return `${content}${address.slice(at)}`;
  return `"${content.replace(/["\\]/g, '\\$&')}"${address.slice(at)}`;
}

function isDomain(text: string): boolean {
  return text.length <= 255 && DOMAIN.test(text) && text.split('.').every((l) => l.length <= 63);
}

function parseParams(text: string): Map<string, string | null> | null {
  const params = new Map<string, string | null>();
  if (text === '') return params;
  if (!text.startsWith(' ')) return null;
  for (const item of text.trim().split(/ +/)) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq === -1 ? item : item.slice(0, eq)).toUpperCase();
    const value = eq === -1 ? null : item.slice(eq + 1);
    if (!KEYWORD.test(key) || (value !== null && !VALUE.test(value))) return null;
    if (params.has(key)) return null;
    params.set(key, value);
  }
  return params;
}
