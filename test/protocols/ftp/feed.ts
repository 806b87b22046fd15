/** Test helper: the ways a codec test feeds input (whole, byte by byte, split at every offset). */

/**
 * Every way the tests cut `bytes` into chunks: whole, one byte at a time, and in two at each
 * offset.
 *
 * @param bytes The input.
 * @returns A list of labelled chunkings.
 * @example
 * chunkings(Buffer.from('ab')).length; // 5
 */
export function chunkings(bytes: Buffer): Array<{ label: string; chunks: Buffer[] }> {
  const out = [
    { label: 'whole', chunks: [bytes] },
    {
      label: 'byte by byte',
      chunks: Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)),
    },
  ];
  for (let i = 0; i <= bytes.length; i++) {
    out.push({ label: `split at ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] });
  }
  return out;
}
