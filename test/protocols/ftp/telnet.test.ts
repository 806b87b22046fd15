import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stripTelnet } from '../../../src/protocols/ftp/codec/telnet.js';

const strip = (bytes: number[]): number[] => [...stripTelnet(Buffer.from(bytes))];
const A = 0x41;

test('stripTelnet() returns a line without IAC or NUL unchanged', () => {
  const line = Buffer.from('RETR a.txt');
  assert.equal(stripTelnet(line), line);
});

test('stripTelnet() removes two-byte commands and the option negotiation of three bytes', () => {
  assert.deepEqual(strip([0xff, 0xf4, 0xff, 0xf2, A]), [A]);
  assert.deepEqual(strip([0xff, 0xf1, A]), [A]);
  for (const verb of [0xfb, 0xfc, 0xfd, 0xfe]) assert.deepEqual(strip([0xff, verb, 0x01, A]), [A]);
});

test('stripTelnet() removes a subnegotiation up to IAC SE, and to the end if unterminated', () => {
  assert.deepEqual(strip([0xff, 0xfa, 0x18, 0x00, 0x41, 0xff, 0xf0, 0x42]), [0x42]);
  assert.deepEqual(strip([0x42, 0xff, 0xfa, 0x18, 0x41]), [0x42]);
});

test('stripTelnet() keeps an escaped IAC as one 0xFF and drops a lone IAC', () => {
  assert.deepEqual(strip([A, 0xff, 0xff, A]), [A, 0xff, A]);
  assert.deepEqual(strip([0xff, A]), [A]);
  assert.deepEqual(strip([A, 0xff]), [A]);
});

test('stripTelnet() drops the lone DM (0xF2) left at a line start when the Synch IAC went out of band', () => {
  // FF F4 F2: the urgent IAC before the DM was taken out of the stream by the kernel.
  assert.deepEqual(strip([0xff, 0xf4, 0xf2, A]), [A]);
  assert.deepEqual(strip([0xf2, 0xf2, A]), [A]);
  assert.deepEqual(strip([0xff, 0xf5, 0xf2, A]), [A]);
});

test('stripTelnet() keeps a 0xF2 byte after the line start (a Latin-1 or UTF-8 pathname byte)', () => {
  assert.deepEqual(strip([A, 0xf2, A]), [A, 0xf2, A]);
  assert.deepEqual(strip([0xff, 0xf4, A, 0xf2]), [A, 0xf2]);
});

test('stripTelnet() turns CR NUL into CR and keeps other NULs', () => {
  assert.deepEqual(strip([A, 0x0d, 0x00, A]), [A, 0x0d, A]);
  assert.deepEqual(strip([A, 0x00, A]), [A, 0x00, A]);
});

test('stripTelnet() never grows its input and never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.ok(stripTelnet(Buffer.from(bytes)).length <= bytes.length);
    }),
  );
});
