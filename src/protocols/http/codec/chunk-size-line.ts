/**
 * The `chunk-size [ chunk-ext ]` line of the chunked coding (RFC 9112 section 7.1).
 */
import { FIELD_VALUE_BYTE } from './field-syntax.js';
import { ParseFailure } from './parse-failure.js';

const SP = 0x20;
const HTAB = 0x09;
const SEMICOLON = 0x3b;

/**
 * Parses a chunk-size line: hex digits, then nothing, or BWS, `;` and extensions. Extensions are
 * ignored but must be free of control characters and no longer than `maxExtension` bytes.
 *
 * @param line The line without its CRLF.
 * @param room How many body bytes may still arrive; a larger size fails as digits arrive, so the
 *   value never grows past a small exact integer.
 * @param maxExtension The longest extension part accepted, in bytes.
 * @returns The chunk size.
 * @throws {ParseFailure} 400 for a malformed line, 413 for a size over `room`.
 * @example
 * parseChunkSizeLine(Buffer.from('1A;name=value'), 1024, 64); // 26
 */
export function parseChunkSizeLine(line: Buffer, room: number, maxExtension: number): number {
  let size = 0;
  let i = 0;
  for (; i < line.length; i++) {
    const b = line[i]!;
    const lower = b | 0x20;
    let d: number;
    if (b >= 0x30 && b <= 0x39) d = b - 0x30;
    else if (lower >= 0x61 && lower <= 0x66) d = lower - 0x57;
    else break;
    size = size * 16 + d;
    if (size > room) throw new ParseFailure(413, 'Body too large');
  }
  if (i === 0) throw new ParseFailure(400, 'Invalid chunk size');
  if (i < line.length) {
    let j = i;
    while (j < line.length && (line[j] === SP || line[j] === HTAB)) j++;
    if (line[j] !== SEMICOLON) throw new ParseFailure(400, 'Invalid chunk size');
    if (line.length - i > maxExtension) throw new ParseFailure(400, 'Chunk extensions too long');
    for (; j < line.length; j++) {
      if (FIELD_VALUE_BYTE[line[j]!] !== 1) throw new ParseFailure(400, 'Invalid chunk extension');
    }
  }
  return size;
}
