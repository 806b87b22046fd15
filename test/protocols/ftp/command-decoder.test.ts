import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type CommandEvent,
  FtpCommandDecoder,
  type FtpCommandDecoderOptions,
} from '../../../src/protocols/ftp/codec/command-decoder.js';
import { chunkings } from '../../../src/testing/index.js';

function decodeChunks(chunks: Buffer[], options?: FtpCommandDecoderOptions): CommandEvent[] {
  const d = new FtpCommandDecoder(options);
  const out: CommandEvent[] = [];
  for (const chunk of chunks) {
    d.receiveData(chunk);
    for (let ev = d.nextEvent(); ev !== null; ev = d.nextEvent()) out.push(ev);
  }
  return out;
}

function assertEveryChunking(
  input: Buffer,
  expected: CommandEvent[],
  options?: FtpCommandDecoderOptions,
): void {
  for (const { label, chunks } of chunkings(input)) {
    assert.deepEqual(decodeChunks(chunks, options), expected, label);
  }
}

test('FtpCommandDecoder gives the same commands for whole, byte-by-byte and every split input', () => {
  const input = Buffer.from('user anonymous\r\nPASS a@b\r\nPWD\r\nSTOR my file.txt\nCWD  two\r\n');
  assertEveryChunking(input, [
    { type: 'command', verb: 'USER', arg: 'anonymous' },
    { type: 'command', verb: 'PASS', arg: 'a@b' },
    { type: 'command', verb: 'PWD', arg: '' },
    { type: 'command', verb: 'STOR', arg: 'my file.txt' },
    { type: 'command', verb: 'CWD', arg: ' two' },
  ]);
});

test('FtpCommandDecoder strips the Telnet IP and DM a client sends before an urgent ABOR', () => {
  assertEveryChunking(Buffer.from('\xff\xf4\xff\xf2ABOR\r\nNOOP\r\n', 'latin1'), [
    { type: 'command', verb: 'ABOR', arg: '' },
    { type: 'command', verb: 'NOOP', arg: '' },
  ]);
});

test('FtpCommandDecoder still reads ABOR when the urgent DM byte was lost', () => {
  assertEveryChunking(Buffer.from('\xff\xf4\xffABOR\r\n', 'latin1'), [
    { type: 'command', verb: 'ABOR', arg: '' },
  ]);
});

test("FtpCommandDecoder reads ABOR after tnftp's IAC IP IAC DM when the urgent IAC went out of band (regression: 500 and the transfer ran on)", () => {
  const abor: CommandEvent = { type: 'command', verb: 'ABOR', arg: '' };
  const noop: CommandEvent = { type: 'command', verb: 'NOOP', arg: '' };
  // Captured from tnftp 20210827 (Debian): `IAC IP IAC` sent with MSG_OOB, then `DM ABOR CRLF` in band.
  // Without SO_OOBINLINE Linux takes the urgent IAC out of the stream: FF F4 | F2 "ABOR" CR LF.
  assertEveryChunking(Buffer.from('\xff\xf4\xf2ABOR\r\nNOOP\r\n', 'latin1'), [abor, noop]);
  // With the urgent byte left inline (or read late) the whole Synch arrives: FF F4 FF F2.
  assertEveryChunking(Buffer.from('\xff\xf4\xff\xf2ABOR\r\nNOOP\r\n', 'latin1'), [abor, noop]);
  // IAC AO (abort output), as some clients add, and a DM standing alone at once.
  assertEveryChunking(Buffer.from('\xff\xf5\xff\xf4\xf2ABOR\r\n', 'latin1'), [abor]);
  assertEveryChunking(Buffer.from('\xf2ABOR\r\n', 'latin1'), [abor]);
});

test('FtpCommandDecoder drops Telnet option negotiation and keeps an escaped 0xFF', () => {
  const input = Buffer.concat([
    Buffer.from([0xff, 0xfb, 0x01]),
    Buffer.from('RETR a'),
    Buffer.from([0xff, 0xff]),
    Buffer.from('b\r\n'),
  ]);
  // 0xFF alone is not UTF-8, so the latin1 policy shows it survived as a byte.
  assertEveryChunking(input, [{ type: 'command', verb: 'RETR', arg: 'a\xffb' }], {
    invalidUtf8: 'latin1',
  });
});

test('FtpCommandDecoder reads UTF-8 arguments (RFC 2640)', () => {
  assertEveryChunking(Buffer.from('MKD Ünïcødé 日本\r\n', 'utf8'), [
    { type: 'command', verb: 'MKD', arg: 'Ünïcødé 日本' },
  ]);
});

test('FtpCommandDecoder turns CR NUL in a pathname into CR (RFC 2640 3.1)', () => {
  assertEveryChunking(Buffer.from('DELE a\r\0b\r\n', 'latin1'), [
    { type: 'command', verb: 'DELE', arg: 'a\rb' },
  ]);
});

test('FtpCommandDecoder handles invalid UTF-8 by the chosen policy', () => {
  const input = Buffer.from([...Buffer.from('RETR caf'), 0xe9, 0x0d, 0x0a]);
  assert.deepEqual(decodeChunks([input]), [{ type: 'command', verb: 'RETR', arg: 'caf\ufffd' }]);
  assert.deepEqual(decodeChunks([input], { invalidUtf8: 'latin1' }), [
    { type: 'command', verb: 'RETR', arg: 'café' },
  ]);
  const [ev] = decodeChunks([input], { invalidUtf8: 'reject' });
  assert.equal(ev?.type === 'error' && ev.reply.code, 501);
});

test('FtpCommandDecoder answers 500 to an over-long line and reads the next one', () => {
  const input = Buffer.from(`STOR ${'x'.repeat(100)}\r\nNOOP\r\n`);
  for (const { label, chunks } of chunkings(input)) {
    const events = decodeChunks(chunks, { maxLineLength: 32 });
    assert.equal(events.length, 2, label);
    assert.equal(events[0]?.type === 'error' && events[0].reply.code, 500, label);
    assert.deepEqual(events[1], { type: 'command', verb: 'NOOP', arg: '' }, label);
  }
});

test('FtpCommandDecoder accepts a line of 4 KiB by default and refuses one byte more', () => {
  const ok = decodeChunks([Buffer.from(`STOR ${'y'.repeat(4091)}\r\n`)]);
  assert.equal(ok[0]?.type, 'command');
  const tooLong = decodeChunks([Buffer.from(`STOR ${'y'.repeat(4092)}\r\n`)]);
  assert.equal(tooLong[0]?.type, 'error');
});

test('FtpCommandDecoder answers 500 to empty and malformed lines', () => {
  for (const line of ['', ' NOOP', 'NO-OP', '12 x', '\x00QUIT', 'ABCDEFGHIJKLMNOPQ']) {
    const [ev] = decodeChunks([Buffer.from(`${line}\r\n`, 'latin1')]);
    assert.equal(ev?.type === 'error' && ev.reply.code, 500, JSON.stringify(line));
  }
});

test('FtpCommandDecoder hands back the bytes after AUTH TLS through takeBuffered()', () => {
  const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x0a, 0x0d, 0x0a]);
  for (const { label, chunks } of chunkings(Buffer.concat([Buffer.from('AUTH TLS\r\n'), hello]))) {
    const d = new FtpCommandDecoder();
    let taken: Buffer = Buffer.alloc(0);
    let seen = false;
    for (const chunk of chunks) {
      if (seen) {
        taken = Buffer.concat([taken, chunk]);
        continue;
      }
      d.receiveData(chunk);
      const ev = d.nextEvent();
      if (ev !== null) {
        assert.deepEqual(ev, { type: 'command', verb: 'AUTH', arg: 'TLS' }, label);
        seen = true;
        taken = d.takeBuffered();
      }
    }
    assert.ok(seen, label);
    assert.deepEqual(taken, hello, label);
  }
});

test('FtpCommandDecoder never throws on random bytes and answers only 500 or 501', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 1, max: 64 }),
      (bytes, max) => {
        const events = decodeChunks([Buffer.from(bytes), Buffer.from('\r\n')], {
          maxLineLength: max,
          invalidUtf8: 'reject',
        });
        for (const ev of events) {
          if (ev.type === 'command') assert.match(ev.verb, /^[A-Z]+$/);
          else assert.ok(ev.reply.code === 500 || ev.reply.code === 501);
        }
      },
    ),
  );
});

test('FtpCommandDecoder gives the same events for random input however it is split', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(120), (bytes, at) => {
      const input = Buffer.from(bytes);
      const cut = Math.min(at, input.length);
      assert.deepEqual(
        decodeChunks([input.subarray(0, cut), input.subarray(cut)], { maxLineLength: 16 }),
        decodeChunks([input], { maxLineLength: 16 }),
      );
    }),
  );
});

test('FtpCommandDecoder refuses a maxLineLength that is not a positive integer', () => {
  assert.throws(() => new FtpCommandDecoder({ maxLineLength: 0 }), RangeError);
});

test('FtpCommandDecoder reads a line with a bare CR inside as malformed, not as two commands', () => {
  const events = decodeChunks([Buffer.from('NOOP\rQUIT\r\n')]);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.type === 'error' && events[0].reply.code, 500);
});

test('FtpCommandDecoder ends an ABOR at a bare CR: ftplib sends its LF as urgent data, which Linux takes out of the stream', () => {
  const abor: CommandEvent = { type: 'command', verb: 'ABOR', arg: '' };
  const noop: CommandEvent = { type: 'command', verb: 'NOOP', arg: '' };
  // The LF lost: the CR alone ends the ABOR, at once or before whatever follows.
  assertEveryChunking(Buffer.from('ABOR\r'), [abor]);
  assertEveryChunking(Buffer.from('abor\rNOOP\r\n'), [abor, noop]);
  assertEveryChunking(Buffer.from('\xff\xf4\xff\xf2ABOR\rNOOP\r\n', 'latin1'), [abor, noop]);
  // The LF arrives after all (in band, or late): it belongs to the CR and adds no empty line.
  assertEveryChunking(Buffer.from('ABOR\r\nNOOP\r\n'), [abor, noop]);
  assertEveryChunking(Buffer.from('NOOP\r\nABOR\r\n\r\n'), [
    noop,
    abor,
    { type: 'error', reply: { code: 500, lines: ['Syntax error, command unrecognized.'] } },
  ]);
});

test('FtpCommandDecoder keeps a bare CR inside other lines (a pathname may hold one)', () => {
  assertEveryChunking(Buffer.from('RETR ABOR\rx\r\nSTOR a\r\0b\r\n'), [
    { type: 'command', verb: 'RETR', arg: 'ABOR\rx' },
    { type: 'command', verb: 'STOR', arg: 'a\rb' },
  ]);
});
