/**
 * The length of the longest proper prefix of `needle` that ends `haystack`, as asynchat's
 * `find_prefix_at_end`: a terminator cut in two by a read.
 * @example findPrefixAtEnd(Buffer.from('abc\r'), Buffer.from('\r\n')); // 1
 */
export function findPrefixAtEnd(haystack: Uint8Array, needle: Uint8Array): number {
  let length = Math.min(needle.length - 1, haystack.length);
  for (; length > 0; length--) {
    let match = true;
    const offset = haystack.length - length;
    for (let i = 0; i < length; i++) {
      if (haystack[offset + i] !== needle[i]) {
        match = false;
        break;
      }
    }
    if (match) return length;
  }
  return 0;
}
