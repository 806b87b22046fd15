/**
 * Password hashing for the users in a polyport config: scrypt (RFC 7914) through `node:crypto`,
 * stored as one self-describing string so the cost parameters can be raised later without
 * breaking hashes already written into config files.
 *
 * Format: `scrypt$N=131072,r=8,p=1$<salt, base64>$<hash, base64>`. A hash keeps the parameters
 * it was made with, so hashes written with the older default (N=16384) still verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** The scrypt cost parameters recorded in a hash string. */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

/** A hash string taken apart by {@link parsePasswordHash}. */
export interface ParsedPasswordHash extends ScryptParameters {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Options for {@link hashPassword}; the defaults are OWASP's minimum for scrypt. */
export interface HashPasswordOptions extends Partial<ScryptParameters> {
  /** Salt length in bytes (default 16). */
  readonly saltLength?: number;
  /** Derived key length in bytes (default 32). */
  readonly keyLength?: number;
}

/**
 * Default scrypt parameters, OWASP's minimum (Password Storage Cheat Sheet: N=2^17, r=8, p=1):
 * 128 MiB of memory (128 * N * r bytes) and a few hundred milliseconds per hash. `derive()` sets
 * scrypt's `maxmem` to match, since Node's default (32 MiB) would refuse them.
 */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 131072, r: 8, p: 1 };

/**
 * A well-formed hash that no password matches (in practice: its hash bytes are a fixed pattern,
 * not a derivation). Checking an unknown user's password against it costs one scrypt at the
 * default parameters, as a known user's does, so the time a login takes does not tell which user names exist.
 * @example
 * const ok = await verifyPassword(password, users.get(name) ?? UNMATCHABLE_PASSWORD_HASH);
 * if (!ok || !users.has(name)) refuse();
 */
export const UNMATCHABLE_PASSWORD_HASH = `scrypt$N=${DEFAULT_SCRYPT_PARAMETERS.N},r=${DEFAULT_SCRYPT_PARAMETERS.r},p=${DEFAULT_SCRYPT_PARAMETERS.p}$${Buffer.alloc(16, 0x5a).toString('base64')}$${Buffer.alloc(32, 0xa5).toString('base64')}`;

/**
 * A hash no password matches, costing what `like` costs: the dummy an unknown user's password
 * is checked against, so an unknown name takes as long as a configured one even when the
 * configured hashes are not at the default parameters (an older N=2^14 hash, a test's cheap
 * one).
 *
 * @param like A configured user's hash string; when missing or malformed, the default cost.
 * @returns A well-formed hash with `like`'s parameters and key length.
 * @example
 * const dummy = unmatchablePasswordHash(users[0]?.password);
 * const ok = await verifyPassword(password, users.get(name)?.password ?? dummy);
 */
export function unmatchablePasswordHash(like?: string): string {
  if (like === undefined) return UNMATCHABLE_PASSWORD_HASH;
  let parsed: ParsedPasswordHash;
  try {
    parsed = parsePasswordHash(like);
  } catch {
    return UNMATCHABLE_PASSWORD_HASH;
  }
  const salt = Buffer.alloc(parsed.salt.length, 0x5a).toString('base64');
  const hash = Buffer.alloc(parsed.hash.length, 0xa5).toString('base64');
  return `scrypt$N=${parsed.N},r=${parsed.r},p=${parsed.p}$${salt}$${hash}`;
}

// Upper bounds on what a hash string may ask for: a hostile or mistyped config must not make a
// login attempt allocate gigabytes or spin for minutes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 256 * 1024 * 1024;
const MIN_SALT = 8;
const MIN_KEY = 16;
const MAX_BYTES = 256;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PARAMS = /^N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})$/;

function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  // Buffer's decoder is lenient; a round trip proves the text was canonical base64.
  return bytes.toString('base64') === text ? bytes : null;
}

function memoryNeeded(N: number, r: number, p: number): number {
  // node:crypto's own estimate (128 * N * r for V, plus 128 * r * p for B) with headroom.
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

function checkParameters(N: number, r: number, p: number): string | null {
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) {
    return `N must be a power of two from 2 to ${MAX_N}`;
  }
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) return `r must be from 1 to ${MAX_R}`;
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) return `p must be from 1 to ${MAX_P}`;
  if (memoryNeeded(N, r, p) > MAX_MEMORY) return 'N * r asks for more than 256 MiB';
  return null;
}

/**
 * Takes a hash string apart, checking every field and refusing costs too high to compute.
 *
 * @param text A string such as `hashPassword()` returns.
 * @returns The parameters, salt and hash.
 * @throws {SyntaxError} When `text` is not a well-formed, acceptable scrypt hash string.
 * @example
 * parsePasswordHash('scrypt$N=131072,r=8,p=1$c2FsdHNhbHQ=$...').N; // 131072
 */
export function parsePasswordHash(text: string): ParsedPasswordHash {
  const parts = text.split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt') {
    throw new SyntaxError('password hash must look like scrypt$N=…,r=…,p=…$<salt>$<hash>');
  }
  const params = PARAMS.exec(parts[1] ?? '');
  if (params === null) throw new SyntaxError('password hash parameters must be N=…,r=…,p=…');
  const N = Number(params[1]);
  const r = Number(params[2]);
  const p = Number(params[3]);
  const problem = checkParameters(N, r, p);
  if (problem !== null) throw new SyntaxError(`password hash: ${problem}`);
  const salt = decodeBase64(parts[2] ?? '');
  const hash = decodeBase64(parts[3] ?? '');
  if (salt === null || salt.length < MIN_SALT || salt.length > MAX_BYTES) {
    throw new SyntaxError(`password hash salt must be ${MIN_SALT} to ${MAX_BYTES} bytes of base64`);
  }
  if (hash === null || hash.length < MIN_KEY || hash.length > MAX_BYTES) {
    throw new SyntaxError(`password hash must hold ${MIN_KEY} to ${MAX_BYTES} bytes of base64`);
  }
  return { N, r, p, salt, hash };
}

/**
 * Tells whether `text` is a hash string {@link verifyPassword} accepts; config validation uses it
 * so a malformed hash is reported at load, not at the first login.
 *
 * @param text Any string.
 * @returns `true` when {@link parsePasswordHash} would accept it.
 * @example
 * isPasswordHash('demo'); // false: a plain password, not a hash
 */
export function isPasswordHash(text: string): boolean {
  try {
    parsePasswordHash(text);
    return true;
  } catch {
    return false;
  }
}

function derive(
  password: string | Uint8Array,
  salt: Buffer,
  keyLength: number,
  { N, r, p }: ScryptParameters,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: memoryNeeded(N, r, p) }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

/**
 * Hashes a password with scrypt and a fresh random salt.
 *
 * @param password The password; a string is hashed as its UTF-8 bytes, unnormalised.
 * @param options Cost parameters and lengths (defaults: N=131072, r=8, p=1, 16-byte salt,
 *   32-byte hash).
 * @returns The self-describing hash string to store in the config's `[[users]]` table.
 * @throws {RangeError} When the options ask for parameters {@link verifyPassword} would refuse.
 * @example
 * const stored = await hashPassword('s3cret');
 * // 'scrypt$N=131072,r=8,p=1$…$…'
 */
export async function hashPassword(
  password: string | Uint8Array,
  options: HashPasswordOptions = {},
): Promise<string> {
  const N = options.N ?? DEFAULT_SCRYPT_PARAMETERS.N;
  const r = options.r ?? DEFAULT_SCRYPT_PARAMETERS.r;
  const p = options.p ?? DEFAULT_SCRYPT_PARAMETERS.p;
  const saltLength = options.saltLength ?? 16;
  const keyLength = options.keyLength ?? 32;
  const problem = checkParameters(N, r, p);
  if (problem !== null) throw new RangeError(problem);
  if (!Number.isInteger(saltLength) || saltLength < MIN_SALT || saltLength > MAX_BYTES) {
    throw new RangeError(`saltLength must be from ${MIN_SALT} to ${MAX_BYTES}`);
  }
  if (!Number.isInteger(keyLength) || keyLength < MIN_KEY || keyLength > MAX_BYTES) {
    throw new RangeError(`keyLength must be from ${MIN_KEY} to ${MAX_BYTES}`);
  }
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, keyLength, { N, r, p });
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Checks a password against a stored hash string, comparing in constant time so the time taken
 * does not reveal how much of the hash matched.
 *
 * @param password The password offered by a client.
 * @param stored A hash string from {@link hashPassword}.
 * @returns `true` when the password matches.
 * @throws {SyntaxError} (as a rejected promise) when `stored` is malformed or asks for costs
 *   beyond the limits; config validation rejects such hashes earlier with {@link isPasswordHash}.
 * @example
 * await verifyPassword('s3cret', stored); // true
 * await verifyPassword('guess', stored); // false
 */
export async function verifyPassword(
  password: string | Uint8Array,
  stored: string,
): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}
