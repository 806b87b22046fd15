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

/** Every way to cut `length` bytes in two, plus "whole" and "byte by byte". */
export function cutPlans(length: number): number[][] {
  const plans: number[][] = [[], Array.from({ length }, (_, i) => i)];
  for (let i = 0; i <= length; i++) plans.push([i]);
  return plans;
}

/** Cuts `bytes` at the given offsets. */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(bytes.subarray(at, cut));
    at = cut;
  }
  return out;
}
