/**
 * Data-connection addresses: PORT and PASV (RFC 959), EPRT and EPSV (RFC 2428), and the
 * bounce-attack check (RFC 2577).
 */

import { parseIpAddress, sameIpAddress, unmapIpv4 } from '../../../socket/inet.js';
import { type ArgResult, fail, ok, type Reply, reply } from './reply.js';

/** A host and port for a data connection. */
export interface DataAddress {
  /** The IP address text (dotted quad, or IPv6 for EPRT). */
  readonly host: string;
  /** The TCP port, 0 to 65535. */
  readonly port: number;
}

const BYTE = /^\s*(\d{1,3})\s*$/;

function bytes6(text: string): number[] | null {
  const parts = text.split(',');
  if (parts.length !== 6) return null;
  const out: number[] = [];
  for (const p of parts) {
    const m = BYTE.exec(p);
    if (!m || Number(m[1]) > 255) return null;
    out.push(Number(m[1]));
  }
  return out;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
}

/**
 * Parses the argument of `PORT h1,h2,h3,h4,p1,p2`.
 *
 * @param arg The argument.
 * @returns The address, or a 501 reply.
 * @example
 * parsePortArg('127,0,0,1,25,46'); // { ok: true, value: { host: '127.0.0.1', port: 6446 } }
 */
export function parsePortArg(arg: string): ArgResult<DataAddress> {
  const b = bytes6(arg.trim());
  if (b === null) return fail(501, 'Syntax error: use PORT h1,h2,h3,h4,p1,p2.');
  const [h1, h2, h3, h4, p1, p2] = b as [number, number, number, number, number, number];
  return ok({ host: `${h1}.${h2}.${h3}.${h4}`, port: p1 * 256 + p2 });
}

function commaForm(address: DataAddress): string {
  checkPort(address.port);
  const host = unmapIpv4(address.host);
  const addr = parseIpAddress(host);
  if (addr === null || addr.family !== 4) {
    throw new RangeError(`PORT and PASV carry IPv4 addresses only, got ${address.host}`);
  }
  return `${[...addr.bytes].join(',')},${address.port >> 8},${address.port & 0xff}`;
}

/**
 * Formats the argument of a PORT command (the client side).
 *
 * @param address An IPv4 (or IPv4-mapped) address and a port.
 * @returns `h1,h2,h3,h4,p1,p2`.
 * @throws {RangeError} If the host is not IPv4 or the port is out of range.
 * @example
 * formatPortArg({ host: '127.0.0.1', port: 6446 }); // '127,0,0,1,25,46'
 */
export function formatPortArg(address: DataAddress): string {
  return commaForm(address);
}

/**
 * Builds the reply to PASV.
 *
 * @param address The address the server listens on (IPv4 or IPv4-mapped).
 * @returns `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).`
 * @throws {RangeError} If the host is not IPv4 or the port is out of range.
 * @example
 * pasvReply({ host: '127.0.0.1', port: 6446 }).lines[0]; // 'Entering Passive Mode (127,0,0,1,25,46).'
 */
export function pasvReply(address: DataAddress): Reply {
  return reply(227, `Entering Passive Mode (${commaForm(address)}).`);
}

/**
 * Reads the address from a 227 reply's text (the client side). RFC 1123 4.1.2.6 warns that the
 * parentheses may be missing, so the first six comma-separated numbers are taken wherever they are.
 *
 * @param text The reply text, e.g. `Entering Passive Mode (127,0,0,1,25,46).`
 * @returns The address.
 * @throws {SyntaxError} If the text holds no valid h1,…,p2 group.
 * @example
 * parsePasvReply('Entering Passive Mode (127,0,0,1,25,46)').port; // 6446
 */
export function parsePasvReply(text: string): DataAddress {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  const b = m ? bytes6(m.slice(1).join(',')) : null;
  if (b === null) throw new SyntaxError(`no address in PASV reply: ${JSON.stringify(text)}`);
  const [h1, h2, h3, h4, p1, p2] = b as [number, number, number, number, number, number];
  return { host: `${h1}.${h2}.${h3}.${h4}`, port: p1 * 256 + p2 };
}

/**
 * Parses the argument of `EPRT |proto|address|port|`. The delimiter is the first character and
 * may be any of ASCII 33 to 126 (RFC 2428 2).
 *
 * @param arg The argument, e.g. `|1|127.0.0.1|6446|` or `|2|::1|6446|`.
 * @returns The address, 522 for a protocol other than 1 or 2, or 501 if malformed.
 * @example
 * parseEprtArg('|2|::1|6446|'); // { ok: true, value: { host: '::1', port: 6446 } }
 */
export function parseEprtArg(arg: string): ArgResult<DataAddress> {
  const bad = fail<DataAddress>(501, 'Syntax error: use EPRT |proto|address|port|.');
  const text = arg.trim();
  const d = text.charCodeAt(0);
  if (!(d >= 33 && d <= 126)) return bad;
  const parts = text.split(text.charAt(0));
  // '|1|h|p|' splits into ['', '1', 'h', 'p', ''].
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return bad;
  const [, proto, host = '', portText = ''] = parts;
  if (proto !== '1' && proto !== '2') {
    return /^\d+$/.test(proto ?? '') ? fail(522, 'Network protocol not supported, use (1,2)') : bad;
  }
  const addr = parseIpAddress(host);
  if (addr === null || addr.family !== (proto === '1' ? 4 : 6) || host.includes('%')) return bad;
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535 || Number(portText) === 0) return bad;
  return ok({ host, port: Number(portText) });
}

/**
 * Formats the argument of an EPRT command (the client side).
 *
 * @param address An IPv4 or IPv6 address and a port.
 * @returns `|1|a.b.c.d|port|` or `|2|ipv6|port|`.
 * @throws {RangeError} If the host is not an IP address or the port is out of range.
 * @example
 * formatEprtArg({ host: '::1', port: 6446 }); // '|2|::1|6446|'
 */
export function formatEprtArg(address: DataAddress): string {
  checkPort(address.port);
  const addr = parseIpAddress(address.host);
  if (addr === null) throw new RangeError(`not an IP address: ${address.host}`);
  const host = address.host.includes('%')
    ? address.host.slice(0, address.host.indexOf('%'))
    : address.host;
  return `|${addr.family === 4 ? 1 : 2}|${host}|${address.port}|`;
}

/** What an EPSV argument asked for. */
export type EpsvRequest = 'any' | 'all' | 1 | 2;

/**
 * Parses the argument of EPSV: none, `1`, `2` or `ALL` (RFC 2428 3). After `EPSV ALL` the
 * server must refuse PORT, PASV and EPRT.
 *
 * @param arg The argument (`''` for none).
 * @returns The request, 522 for another protocol number, or 501 if malformed.
 * @example
 * parseEpsvArg('ALL'); // { ok: true, value: 'all' }
 */
export function parseEpsvArg(arg: string): ArgResult<EpsvRequest> {
  const text = arg.trim().toUpperCase();
  if (text === '') return ok('any');
  if (text === 'ALL') return ok('all');
  if (text === '1' || text === '2') return ok(Number(text) as 1 | 2);
  if (/^\d+$/.test(text)) return fail(522, 'Network protocol not supported, use (1,2)');
  return fail(501, 'Syntax error: use EPSV [1|2|ALL].');
}

/**
 * Builds the reply to EPSV.
 *
 * @param port The port the server listens on.
 * @returns `229 Entering Extended Passive Mode (|||port|)`.
 * @throws {RangeError} If the port is out of range.
 * @example
 * epsvReply(6446).lines[0]; // 'Entering Extended Passive Mode (|||6446|)'
 */
export function epsvReply(port: number): Reply {
  checkPort(port);
  return reply(229, `Entering Extended Passive Mode (|||${port}|)`);
}

/**
 * Reads the port from a 229 reply's text (the client side); the host is the control
 * connection's peer. Any delimiter from 33 to 126 is accepted, as RFC 2428 allows.
 *
 * @param text The reply text.
 * @returns The port.
 * @throws {SyntaxError} If the text holds no `(<d><d><d>port<d>)` group.
 * @example
 * parseEpsvReply('Entering Extended Passive Mode (|||6446|)'); // 6446
 */
export function parseEpsvReply(text: string): number {
  const m = /\(([!-~])\1\1(\d{1,5})\1\)/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new SyntaxError(`no port in EPSV reply: ${JSON.stringify(text)}`);
  }
  return port;
}

/**
 * The FXP/bounce check of RFC 2577 as vsftpd applies it: an active-mode data connection may only
 * go to the client itself, on an unprivileged port, so the server cannot be used to reach
 * other hosts or services.
 *
 * @param peerHost The control connection's remote address.
 * @param target The address from PORT or EPRT.
 * @returns `ok` with the target, or a 504 reply saying why it was refused.
 * @example
 * checkDataTarget('::ffff:10.0.0.5', { host: '10.0.0.5', port: 40000 }).ok; // true
 * checkDataTarget('10.0.0.5', { host: '10.0.0.6', port: 40000 }).ok; // false
 */
export function checkDataTarget(peerHost: string, target: DataAddress): ArgResult<DataAddress> {
  if (!sameIpAddress(peerHost, target.host)) {
    return fail(504, 'Refused: data connection to a host other than the client.');
  }
  if (target.port < 1024) return fail(504, 'Refused: data connection to a privileged port.');
  return ok(target);
}
