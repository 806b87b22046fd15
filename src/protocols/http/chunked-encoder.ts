/**
 * The chunked transfer coding, sending side (RFC 9112 section 7.1).
 */
import { fieldLines, type HeaderInput } from './encode-head.js';

const CRLF = Buffer.from('\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

/**
 * Frames bytes as one chunk: hex size, CRLF, the bytes, CRLF. An empty input gives empty output,
 * because a zero-size chunk would end the body.
 *
 * @param data The chunk's bytes.
 * @returns The framed chunk as one Buffer (the data is copied once).
 * @example
 * encodeChunk(Buffer.from('hello')); // <Buffer '5\r\nhello\r\n'>
 */
export function encodeChunk(data: Uint8Array): Buffer {
  if (data.length === 0) return EMPTY;
  const size = Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1');
  return Buffer.concat([size, data, CRLF], size.length + data.length + 2);
}

/**
 * Ends a chunked body: the zero-size chunk, optional trailer fields and the final CRLF.
 *
 * @param trailers Trailer fields, if any.
 * @returns The bytes that end the body.
 * @throws {TypeError} For an invalid trailer name or value (CR/LF included).
 * @example
 * encodeLastChunk(); // <Buffer '0\r\n\r\n'>
 * encodeLastChunk([['Checksum', 'abc']]); // <Buffer '0\r\nChecksum: abc\r\n\r\n'>
 */
export function encodeLastChunk(trailers?: HeaderInput): Buffer {
  return Buffer.from(`0\r\n${fieldLines(trailers)}\r\n`, 'latin1');
}
