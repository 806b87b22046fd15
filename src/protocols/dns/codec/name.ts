/**
 * Domain names in presentation form, as polyport passes them around: labels joined by `.`, no
 * trailing dot, the root written `.`, and bytes that are not plain printable ASCII escaped as
 * `\DDD` (RFC 1035 §5.1). Case is kept as given; comparison ignores ASCII case (RFC 4343).
 */

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Characters that must be escaped with a backslash in a label's presentation form. */
const SPECIAL = new Set([0x22, 0x24, 0x28, 0x29, 0x2e, 0x3b, 0x40, 0x5c]);

/** Per byte: 0 plain, 1 backslash-escaped, 2 written as \DDD. A table: labels are hot. */
const ESCAPE = new Uint8Array(256).map((_, b) =>
  b <= 0x20 || b >= 0x7f ? 2 : SPECIAL.has(b) ? 1 : 0,
);

/**
 * Formats one wire label as presentation text, escaping what dig escapes.
 *
 * @param bytes the buffer holding the label.
 * @param start index of the label's first byte.
 * @param end index after its last byte.
 * @returns the label's text.
 * @example
 * labelToText(Buffer.from('a.b'), 0, 3); // 'a\\.b'
 */
export function labelToText(bytes: Buffer, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    if (ESCAPE[bytes[i]!] !== 0) {
      plain = false;
      break;
    }
  }
  // The common case (LDH labels) becomes one string without per-byte work.
  if (plain) return bytes.toString('latin1', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    const how = ESCAPE[b];
    if (how === 2) out += `\\${b.toString().padStart(3, '0')}`;
    else if (how === 1) out += `\\${String.fromCharCode(b)}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * Splits a presentation name into wire labels, resolving `\X` and `\DDD` escapes. Characters
 * beyond ASCII are taken as UTF-8 (no IDNA mapping is done).
 *
 * @param name a name such as `www.example.test`, `www.example.test.` or `.` for the root.
 * @returns the labels, without the empty root label.
 * @throws {RangeError} for an empty label, a label over 63 octets, a name over 255 octets or a
 * bad escape.
 * @example
 * nameToLabels('a\\.b.test').map(String); // ['a.b', 'test']
 */
export function nameToLabels(name: string): Buffer[] {
  const labels: Buffer[] = [];
  if (name === '.' || name === '') return labels;
  let current: number[] = [];
  let total = 1;
  const finish = (atEnd: boolean): void => {
    if (current.length === 0) {
      if (atEnd) return;
      throw new RangeError(`empty label in name ${JSON.stringify(name)}`);
    }
    if (current.length > 63) throw new RangeError(`label over 63 octets in ${name}`);
    total += current.length + 1;
    if (total > 255) throw new RangeError(`name over 255 octets: ${name.slice(0, 40)}…`);
    labels.push(Buffer.from(current));
    current = [];
  };
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === DOT) {
      finish(false);
    } else if (c === BACKSLASH) {
      const next = name.charCodeAt(i + 1);
      if (Number.isNaN(next)) throw new RangeError(`name ends in a backslash: ${name}`);
      if (next >= 0x30 && next <= 0x39) {
        const digits = name.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(digits) || Number(digits) > 255) {
          throw new RangeError(`bad \\DDD escape in ${name}`);
        }
        current.push(Number(digits));
        i += 3;
      } else {
        pushChar(current, name, i + 1);
        if (next >= 0xd800 && next <= 0xdbff) i++;
        i++;
      }
    } else {
      pushChar(current, name, i);
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
  }
  // A trailing unescaped dot means "absolute": it ends the name, it does not open a label.
  finish(name.charCodeAt(name.length - 1) === DOT && !endsWithEscapedDot(name));
  return labels;
}

function pushChar(out: number[], text: string, at: number): void {
  const code = text.codePointAt(at)!;
  if (code < 0x80) out.push(code);
  else for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) out.push(b);
}

/** True when the last `.` of `name` is escaped (an odd run of backslashes before it). */
function endsWithEscapedDot(name: string): boolean {
  let n = 0;
  for (let i = name.length - 2; i >= 0 && name.charCodeAt(i) === BACKSLASH; i--) n++;
  return n % 2 === 1;
}

/**
 * Formats wire labels as a presentation name (`.` for none).
 *
 * @param labels the labels, root label excluded.
 * @returns the name.
 * @example
 * labelsToName([Buffer.from('www'), Buffer.from('test')]); // 'www.test'
 */
export function labelsToName(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return '.';
  return labels
    .map((l) =>
      labelToText(
        Buffer.isBuffer(l) ? l : Buffer.from(l.buffer, l.byteOffset, l.length),
        0,
        l.length,
      ),
    )
    .join('.');
}

/**
 * Brings a name to the form polyport uses: escapes normalised as the decoder prints them, no
 * trailing dot, the root as `.`. Case is kept.
 *
 * @param name any presentation name.
 * @returns the normal form.
 * @throws {RangeError} when the name is malformed (see {@link nameToLabels}).
 * @example
 * normalizeName('WWW.Example.TEST.'); // 'WWW.Example.TEST'
 */
export function normalizeName(name: string): string {
  // Fast path: plain LDH names need no re-encoding.
  if (/^[A-Za-z0-9_*-]+(?:\.[A-Za-z0-9_*-]+)*\.?$/.test(name) && name.length < 254) {
    const bare = name.endsWith('.') ? name.slice(0, -1) : name;
    if (bare.split('.').every((l) => l.length <= 63)) return bare;
  }
  return labelsToName(nameToLabels(name));
}

/**
 * The key polyport uses to compare and look up names: ASCII letters folded to lower case
 * (RFC 4343 folds nothing else), no trailing dot.
 *
 * @param name a normalised name (see {@link normalizeName}).
 * @returns the lookup key.
 * @example
 * canonicalName('WWW.Example.Test'); // 'www.example.test'
 */
export function canonicalName(name: string): string {
  // Decoded names are ASCII (anything else is \DDD-escaped), so toLowerCase folds only A-Z.
  return /[^\x00-\x7f]/.test(name)
    ? name.replace(/[A-Z]+/g, (s) => s.toLowerCase())
    : name.toLowerCase();
}

/**
 * Compares two names ignoring ASCII case (RFC 4343).
 *
 * @param a a normalised name.
 * @param b another.
 * @returns whether they name the same node.
 * @example
 * namesEqual('Example.TEST', 'example.test'); // true
 */
export function namesEqual(a: string, b: string): boolean {
  return a.length === b.length && canonicalName(a) === canonicalName(b);
}

/**
 * Whether `name` is `ancestor` or below it. Both must be canonical (see {@link canonicalName}).
 *
 * @param name the candidate descendant.
 * @param ancestor the candidate ancestor; `.` contains everything.
 * @returns whether `name` is at or under `ancestor`.
 * @example
 * isSubdomain('www.example.test', 'example.test'); // true
 * isSubdomain('badexample.test', 'example.test'); // false
 */
export function isSubdomain(name: string, ancestor: string): boolean {
  if (ancestor === '.' || name === ancestor) return true;
  const cut = name.length - ancestor.length - 1;
  if (cut < 1 || name.charCodeAt(cut) !== DOT || !name.endsWith(ancestor)) return false;
  // The dot before the ancestor must be a label boundary, not an escaped `\.`.
  let n = 0;
  for (let i = cut - 1; i >= 0 && name.charCodeAt(i) === BACKSLASH; i--) n++;
  return n % 2 === 0;
}

/**
 * The name with its first label removed (`.` for a single-label name).
 *
 * @param name a normalised name other than the root.
 * @returns the parent name.
 * @example
 * parentName('www.example.test'); // 'example.test'
 */
export function parentName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DOT) return name.slice(i + 1);
  }
  return '.';
}

/**
 * Counts a name's labels (0 for the root).
 *
 * @param name a normalised name.
 * @returns how many labels it has.
 * @example
 * labelCount('www.example.test'); // 3
 */
export function labelCount(name: string): number {
  if (name === '.') return 0;
  let n = 1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DOT) n++;
  }
  return n;
}
