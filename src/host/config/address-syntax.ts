/**
 * Syntax checks for the addresses a config holds: listen addresses, forwarders, mailboxes.
 * Pure string work: a config is checked before any socket exists. IP literals are read by
 * layer 1's one parser (`src/socket/inet.ts`), the one the listeners and limits use; zone ids are
 * not accepted in a config.
 */
import { isIPv4, isIPv6, parseIPv4, parseIPv6 } from '../../socket/inet.js';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

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
  const v4 = parseIPv4(text);
  if (v4 !== null) return v4[0] === 127;
  const v6 = parseIPv6(text);
  if (v6 === null) return false;
  // Ten zero bytes, then 0xffff: an IPv4-mapped address, loopback when its IPv4 part is.
  if (v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) {
    return v6[12] === 127;
  }
  return v6.subarray(0, 15).every((b) => b === 0) && v6[15] === 1;
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
