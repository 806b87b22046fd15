/** Shared helpers for the DNS tests (not a test file itself). */
import { readFileSync } from 'node:fs';

/** Reads a `.hex` fixture from test/fixtures/dns: `#` lines are comments, white space ignored. */
export function loadHex(name: string): Buffer {
  const text = readFileSync(new URL(`../../fixtures/dns/${name}`, import.meta.url), 'utf8');
  const hex = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return Buffer.from(hex, 'hex');
}
