/** APOP (RFC 1939 §7): MD5 of the banner timestamp followed by the shared secret. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Computes the APOP digest a client sends.
 *
 * @param timestamp The `<…>` timestamp from the server's banner, brackets included.
 * @param secret The shared secret (the user's password).
 * @returns 32 lower-case hex digits.
 * @example
 * apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf'); // 'c4c9334bac560ecc979e58001b3e22fb'
 */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5').update(`${timestamp}${secret}`, 'utf8').digest('hex');
}

/**
 * Checks an APOP digest in constant time.
 *
 * @param timestamp The banner timestamp the session offered.
 * @param secret The user's shared secret.
 * @param digest The digest the client sent (hex, any case).
 * @returns Whether it matches.
 * @example
 * verifyApop('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf', 'c4c9334bac560ecc979e58001b3e22fb'); // true
 */
export function verifyApop(timestamp: string, secret: string, digest: string): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(digest)) return false;
  const expected = Buffer.from(apopDigest(timestamp, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(digest, 'hex'));
}
