/**
 * Syntax checks for the addresses a config holds: listen addresses, forwarders, mailboxes.
 * Pure string work: the host layer must not import `node:net`, and a config is checked before
 * any socket exists.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Tells whether `text` is a dotted-quad IPv4 address (no leading zeros, which some resolvers read
 * as octal).
 *
 * @param text Any string.
 * @returns `true` for `127.0.0.1`, `false` for `127.1` or `010.0.0.1`.
 * @example
 * isIPv4('192.0.2.1'); // true
 */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/**
 * Tells whether `text` is an IPv6 address in RFC 4291 text form (with an optional trailing
 * dotted quad; zone ids are not accepted in a config).
 *
 * @param text Any string.
 * @returns `true` for `::1` or `2001:db8::10`.
 * @example
 * isIPv6('::1'); // true
 */
export function isIPv6(text: string): boolean {
  if (text.length < 2 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  let head = text;
  let groupsNeeded = 8;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    head = text.slice(0, lastColon + 1);
    head = head.endsWith('::') ? head : head.slice(0, -1);
    groupsNeeded = 6;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const parse = (part: string): string[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g)) ? groups : null;
  };
  const left = parse(halves[0] ?? '');
  if (left === null) return false;
  if (halves.length === 1) return left.length === groupsNeeded;
  const right = parse(halves[1] ?? '');
  if (right === null) return false;
  return left.length + right.length < groupsNeeded;
}

/**
 * Tells whether `text` is a DNS host name (RFC 1123 labels, at most 253 characters, an optional
 * final dot).
 *
 * @param text Any string.
 * @returns `true` for `localhost` or `mail.example.test`.
 * @example
 * isHostname('example.test'); // true
 */
export function isHostname(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

/**
 * Tells whether `text` can be a listen address: an IPv4 or IPv6 literal or a host name.
 *
 * @param text Any string.
 * @returns `true` when a listener could be bound to it by name or number.
 * @example
 * isListenAddress('0.0.0.0'); // true
 */
export function isListenAddress(text: string): boolean {
  return isIPv4(text) || isIPv6(text) || isHostname(text);
}

/**
 * Tells whether `address` is on loopback: 127.0.0.0/8, `::1` (also written in full, or as an
 * IPv4-mapped 127.x address) or the name `localhost`. The wildcards `0.0.0.0` and `::` are not.
 *
 * @param address A listen address.
 * @returns `true` when only this host can reach it.
 * @example
 * isLoopbackAddress('127.0.0.53'); // true
 * isLoopbackAddress('0.0.0.0'); // false
 */
export function isLoopbackAddress(address: string): boolean {
  const text = address.trim().toLowerCase();
  if (text === 'localhost' || text === 'localhost.') return true;
  if (isIPv4(text)) return text.startsWith('127.');
  if (!isIPv6(text)) return false;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped?.[1] !== undefined) return mapped[1].startsWith('127.');
  return expandIPv6(text) === '0000:0000:0000:0000:0000:0000:0000:0001';
}

function expandIPv6(text: string): string {
  const [left = '', right] = text.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const middle = Array.from({ length: 8 - l.length - r.length }, () => '0');
  return [...l, ...middle, ...r].map((g) => g.padStart(4, '0')).join(':');
}

/**
 * Tells whether `text` is a plain mailbox `local@domain` (a dot-atom local part, RFC 5321
 * section 4.1.2, and a host name); quoted local parts are not accepted in a config.
 *
 * @param text Any string.
 * @returns `true` for `demo@example.test`.
 * @example
 * isMailbox('demo@example.test'); // true
 */
export function isMailbox(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  const local = text.slice(0, at);
  const atom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
  return local.split('.').every((part) => atom.test(part)) && isHostname(text.slice(at + 1));
}

/**
 * Tells whether `text` is a DNS forwarder: an IP address, optionally with a port
 * (`192.0.2.53:5353`, `[2001:db8::53]:5353`).
 *
 * @param text Any string.
 * @returns `true` when it names a forwarder by number.
 * @example
 * isForwarder('9.9.9.9'); // true
 */
export function isForwarder(text: string): boolean {
  const port = (p: string): boolean => /^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    return isIPv6(bracketed[1] ?? '') && (bracketed[2] === undefined || port(bracketed[2]));
  }
  if (isIPv4(text) || isIPv6(text)) return true;
  const colon = text.lastIndexOf(':');
  return colon > 0 && isIPv4(text.slice(0, colon)) && port(text.slice(colon + 1));
}

/**
 * Tells whether `text` is an address or a CIDR range (`10.0.0.0/8`, `fc00::/7`, `192.0.2.1`).
 *
 * @param text Any string.
 * @returns `true` for an IPv4 address with an optional `/0`..`/32`, or an IPv6 address with an
 *   optional `/0`..`/128`.
 * @example
 * isAddressRange('172.16.0.0/12'); // true
 */
export function isAddressRange(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bits = slash < 0 ? null : text.slice(slash + 1);
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  if (max < 0) return false;
  return bits === null || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
}
