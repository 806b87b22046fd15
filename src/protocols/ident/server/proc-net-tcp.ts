/**
 * Linux's table of TCP sockets (`/proc/net/tcp`, `/proc/net/tcp6`): which user owns the
 * connection between two address-port pairs, as an ident server (oidentd, pidentd) reads it.
 */
import { readFile } from 'node:fs/promises';
import { parseIpAddress } from '../../../socket/index.js';

/** One established connection of the table. */
export interface TcpTableEntry {
  /** The local address's 16 bytes (IPv4 as IPv4-mapped IPv6), and port. */
  readonly local: { readonly address: Uint8Array; readonly port: number };
  readonly remote: { readonly address: Uint8Array; readonly port: number };
  readonly uid: number;
}

/** `st` of an established connection. */
const ESTABLISHED = '01';

/**
 * The established connections of one table's text (its header line is skipped). Addresses
 * are hexadecimal in the kernel's byte order: each 32-bit word little-endian.
 *
 * @param text the file's content.
 * @returns its established connections.
 * @example
 * parseTcpTable(readFileSync('/proc/net/tcp', 'latin1'))[0]?.uid; // 1000
 */
export function parseTcpTable(text: string): TcpTableEntry[] {
  const entries: TcpTableEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8 || fields[3] !== ESTABLISHED) continue;
    const local = endpoint(fields[1]!);
    const remote = endpoint(fields[2]!);
    const uid = Number(fields[7]);
    if (local === null || remote === null || !Number.isInteger(uid)) continue;
    entries.push({ local, remote, uid });
  }
  return entries;
}

function endpoint(text: string): { address: Uint8Array; port: number } | null {
  const [hex, portHex] = text.split(':');
  if (hex === undefined || portHex === undefined || !/^[0-9A-Fa-f]+$/.test(hex)) return null;
  if (hex.length !== 8 && hex.length !== 32) return null;
  const raw = Buffer.from(hex, 'hex');
  // Each 32-bit word is in the host's order (little-endian on the machines Linux runs us on).
  for (let i = 0; i < raw.length; i += 4) raw.subarray(i, i + 4).reverse();
  return { address: raw.length === 4 ? mapped(raw) : raw, port: Number.parseInt(portHex, 16) };
}

/** IPv4 bytes as IPv4-mapped IPv6, so both tables compare alike. */
function mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/**
 * An address's 16 bytes as the table holds them (IPv4 mapped), or null for text that is not an
 * address.
 */
export function addressBytes(text: string): Uint8Array | null {
  const parsed = parseIpAddress(text);
  if (parsed === null) return null;
  return parsed.family === 4 ? mapped(parsed.bytes) : parsed.bytes;
}

/**
 * The uid owning the established connection from `localPort` on this host to `remotePort` on
 * `remoteAddress`, read from the kernel's tables; null when there is none (or no such table:
 * not Linux).
 *
 * @example await connectionOwner(6193, '127.0.0.1', 23); // 1000
 */
export async function connectionOwner(
  localPort: number,
  remoteAddress: string,
  remotePort: number,
): Promise<number | null> {
  const remote = addressBytes(remoteAddress);
  if (remote === null) return null;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'latin1');
    } catch {
      continue;
    }
    const entry = parseTcpTable(text).find(
      (e) =>
        e.local.port === localPort &&
        e.remote.port === remotePort &&
        Buffer.from(e.remote.address).equals(remote),
    );
    if (entry !== undefined) return entry.uid;
  }
  return null;
}
