/**
 * `select()` on standard input, as CPython allows on Unix: any file descriptor works beside
 * sockets — a pipe, a terminal, a file. The program waits for input with a timeout, reports each
 * chunk it reads, says when nothing came for a while, and stops at end of input (Ctrl-D on a
 * terminal). The same list could hold sockets too: one loop for the network and the keyboard.
 *
 *     node --import tsx examples/select-stdin.ts [seconds]
 *
 * `seconds` (default 5) is how long one wait lasts. Try `(sleep 1; echo hi; sleep 6; echo
 * there) | node --import tsx examples/select-stdin.ts`. Needs polyport's native addon
 * (`npm run build:native`) for the descriptor.
 */
import { readSync } from 'node:fs';
import { select } from '../src/select/index.js';

const STDIN = 0;
const seconds = Number(process.argv[2] ?? 5);
if (!(seconds >= 0)) {
  console.error('usage: select-stdin.ts [seconds]');
  process.exit(2);
}

const buffer = Buffer.alloc(4096);
console.log('waiting for input');
for (;;) {
  const [readable] = await select([STDIN], [], [], seconds);
  if (readable.length === 0) {
    console.log(`no input for ${seconds} seconds`);
    continue;
  }
  // select() said it is readable: this read returns at once, with data or with the end.
  const n = readSync(STDIN, buffer);
  if (n === 0) break;
  console.log(`read ${n} bytes: ${JSON.stringify(buffer.subarray(0, n).toString())}`);
}
console.log('end of input');
