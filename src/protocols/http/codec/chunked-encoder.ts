/**
 * The chunked transfer coding, sending side (RFC 9112 section 7.1): the one place polyport
 * frames a chunk, for the server's responses and the client's requests alike.
 */
import { fieldLines, type HeaderInput } from './encode-head.js';

const EMPTY = Buffer.alloc(0);

/**
 * Frames bytes as one chunk: hex size, CRLF, the bytes, CRLF. An empty input gives empty output,
 * because a zero-size chunk would end the body.
 *
 * @param data The chunk's bytes.
 * @returns The framed chunk as one fresh Buffer (the data is copied once), which nothing else
 *   holds: it may be handed to a socket uncopied.
 * @example
 * encodeChunk(Buffer.from('hello')); // <Buffer '5\r\nhello\r\n'>
 */
export function encodeChunk(data: Uint8Array): Buffer {
  if (data.length === 0) return EMPTY;
  const size = `${data.length.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(size.length + data.length + 2);
  out.write(size, 0, 'latin1');
  out.set(data, size.length);
  out[out.length - 2] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}

/**
 * Ends a chunked body: the zero-size chunk, optional trailer fields and the final CRLF.
 *
 * @param trailers Trailer fields, if any.
 * @returns The bytes that end the body, a fresh Buffer.
 * @throws {TypeError} For an invalid trailer name or value (CR/LF included).
 * @example
 * encodeLastChunk(); // <Buffer '0\r\n\r\n'>
 * encodeLastChunk([['Checksum', 'abc']]); // <Buffer '0\r\nChecksum: abc\r\n\r\n'>
 */
export function encodeLastChunk(trailers?: HeaderInput): Buffer {
  return Buffer.from(`0\r\n${fieldLines(trailers)}\r\n`, 'latin1');
}
