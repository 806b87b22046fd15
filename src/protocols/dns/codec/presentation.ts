/**
 * Records in master-file presentation form (RFC 1035 §5.1, RFC 3597 §5 for `\#`), as dig prints
 * them and as zone files hold them.
 */
import { classToString, typeToString } from './constants.js';
import type { DnsRecord, RData } from './rdata.js';

/**
 * Writes a name fully qualified (with its trailing dot), as presentation form wants.
 *
 * @param name a normalised name.
 * @returns the name ending in `.`.
 * @example
 * fqdn('example.test'); // 'example.test.'
 */
export function fqdn(name: string): string {
  return name === '.' ? '.' : `${name}.`;
}

/**
 * Quotes a character-string, escaping `"` and `\` and writing bytes outside printable ASCII as
 * `\DDD`.
 *
 * @param bytes the string's bytes.
 * @returns the quoted text.
 * @example
 * quoteString(Buffer.from('say "hi"')); // '"say \\"hi\\""'
 */
export function quoteString(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString().padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/**
 * Formats bytes in the RFC 3597 generic form `\# <length> <hex>`.
 *
 * @param bytes the rdata.
 * @returns the generic presentation.
 * @example
 * genericRdata(Uint8Array.of(10, 0, 0, 1)); // '\\# 4 0A000001'
 */
export function genericRdata(bytes: Uint8Array): string {
  if (bytes.length === 0) return '\\# 0';
  return `\\# ${bytes.length} ${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex').toUpperCase()}`;
}

/**
 * Formats record data in presentation form (names fully qualified).
 *
 * @param data the rdata.
 * @returns the text that follows the type in a zone file line.
 * @example
 * formatRdata({ kind: 'MX', preference: 10, exchange: 'mail.example.test' });
 * // '10 mail.example.test.'
 */
export function formatRdata(data: RData): string {
  switch (data.kind) {
    case 'A':
    case 'AAAA':
      return data.address;
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return fqdn(data.target);
    case 'MX':
      return `${data.preference} ${fqdn(data.exchange)}`;
    case 'TXT':
      return data.strings.map(quoteString).join(' ');
    case 'SOA':
      return `${fqdn(data.mname)} ${fqdn(data.rname)} ${data.serial} ${data.refresh} ${data.retry} ${data.expire} ${data.minimum}`;
    case 'SRV':
      return `${data.priority} ${data.weight} ${data.port} ${fqdn(data.target)}`;
    case 'CAA':
      return `${data.flags} ${data.tag} ${quoteString(data.value)}`;
    case 'unknown':
      return genericRdata(data.bytes);
  }
}

/**
 * Formats a whole record as a master-file line: owner, TTL, class, type and rdata, separated by
 * tabs as dig prints them.
 *
 * @param record the record.
 * @returns one line, without a newline.
 * @example
 * formatRecord(record); // 'www.example.test.\t300\tIN\tA\t127.0.0.1'
 */
export function formatRecord(record: DnsRecord): string {
  return `${fqdn(record.name)}\t${record.ttl}\t${classToString(record.class)}\t${typeToString(record.type)}\t${formatRdata(record.data)}`;
}
