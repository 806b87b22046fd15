import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DotDecoder, DotStuffer } from '../../../src/protocols/mail/index.js';
import { chunkings } from '../../../src/testing/index.js';

/** Stuffs `text` fed in pieces cut at `cuts`. */
function stuff(text: Buffer, cuts: readonly number[], bodyLines?: number): Buffer {
  const stuffer = new DotStuffer(bodyLines === undefined ? {} : { bodyLines });
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(stuffer.push(text.subarray(at, cut)));
    at = cut;
  }
  out.push(stuffer.end());
  return Buffer.concat(out);
}

/** Decodes dot-stuffed `wire` cut at `cuts`; returns content (CRLF-joined) and what followed. */
function unstuff(wire: Buffer, cuts: readonly number[]): { content: string; rest: string } {
  const decoder = new DotDecoder({ maxLineLength: 100000 });
  let content = '';
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    decoder.push(wire.subarray(at, cut));
    at = cut;
    for (let ev = decoder.next(); ev !== null; ev = decoder.next()) {
      assert.equal(ev.type === 'too-long', false);
      if (ev.type === 'line') content += `${ev.line.toString('latin1')}\r\n`;
    }
  }
  assert.ok(decoder.ended);
  return { content, rest: decoder.takeBuffered().toString('latin1') };
}

/** What a message becomes on the wire and back: every line ending CRLF, a final one added. */
function normalise(text: string): string {
  const out = text.replace(/\r\n|\r|\n/g, '\r\n');
  return out === '' || out.endsWith('\r\n') ? out : `${out}\r\n`;
}

test('DotStuffer doubles leading dots, writes CRLF endings and terminates', () => {
  const wire = stuff(Buffer.from('.a\n..\rb\r\n.'), []);
  assert.equal(wire.toString(), '..a\r\n...\r\nb\r\n..\r\n.\r\n');
  assert.equal(stuff(Buffer.alloc(0), []).toString(), '.\r\n');
});

test('DotStuffer output does not depend on chunking: whole, byte by byte or split anywhere', () => {
  const text = Buffer.from('.x\r\n\r\n.\r\n..\r\ra\nb\r');
  const whole = stuff(text, []).toString();
  for (const { label, cuts } of chunkings(text)) {
    assert.equal(stuff(text, cuts).toString(), whole, label);
  }
});

test('DotStuffer with bodyLines stops after the header and that many body lines', () => {
  const text = Buffer.from('A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\nthree');
  assert.equal(stuff(text, [], 0).toString(), 'A: 1\r\nB: 2\r\n\r\n.\r\n');
  assert.equal(stuff(text, [], 2).toString(), 'A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\n.\r\n');
  assert.equal(stuff(text, [], 5).toString(), 'A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\nthree\r\n.\r\n');
  const stuffer = new DotStuffer({ bodyLines: 0 });
  stuffer.push(text);
  assert.ok(stuffer.done);
  assert.throws(() => new DotStuffer({ bodyLines: -1 }), RangeError);
});

test('DotStuffer refuses input after end()', () => {
  const stuffer = new DotStuffer();
  stuffer.end();
  assert.throws(() => stuffer.push(Buffer.from('x')), /after end/);
  assert.throws(() => stuffer.end(), /twice/);
});

test('DotDecoder ends only at CRLF . CRLF and leaves the following bytes buffered', () => {
  const wire = Buffer.from('a\n.\nb\r.\r\nc\n.\r\n..\r\n.\r\nNEXT\r\n');
  for (const { label, cuts } of chunkings(wire)) {
    const { content, rest } = unstuff(wire, cuts);
    assert.equal(content, 'a\r\n\r\nb\r.\r\nc\r\n\r\n.\r\n', label);
    assert.equal(rest, 'NEXT\r\n', label);
  }
});

test('DotDecoder does not take a dot after an over-long line as the end', () => {
  const decoder = new DotDecoder({ maxLineLength: 4 });
  decoder.push(Buffer.from('xxxxxxxx\r\n.\r\n.\r\n'));
  assert.equal(decoder.next()?.type, 'too-long');
  assert.deepEqual(decoder.next(), {
    type: 'line',
    line: Buffer.alloc(0),
    ending: 'crlf',
    stuffed: true,
  });
  assert.deepEqual(decoder.next(), { type: 'end' });
});

test('DotStuffer and DotDecoder round-trip any content, including dot lines and lone CR/LF', () => {
  const piece = fc.oneof(
    fc.constantFrom('.', '..', '\r', '\n', '\r\n', '\r\n.\r\n', '\n.\n', '\r.\r', ' '),
    fc.string({ maxLength: 8 }),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
      fc.array(fc.nat(400), { maxLength: 4 }),
      (text, rawCuts) => {
        const bytes = Buffer.from(text, 'latin1');
        const cuts = rawCuts.map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b);
        const wire = stuff(bytes, cuts);
        const wireCuts = rawCuts.map((c) => Math.min(c, wire.length)).sort((a, b) => a - b);
        const { content, rest } = unstuff(Buffer.concat([wire, Buffer.from('Q\r\n')]), wireCuts);
        assert.equal(content, normalise(text));
        assert.equal(rest, 'Q\r\n');
      },
    ),
  );
});

test('DotDecoder never crashes on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, cut) => {
      const decoder = new DotDecoder({ maxLineLength: 16 });
      decoder.push(bytes.subarray(0, cut));
      decoder.push(bytes.subarray(cut));
      while (decoder.next() !== null);
      decoder.takeBuffered();
    }),
  );
});

test('DotStuffer cuts TOP output the same however the message is chunked', () => {
  const line = fc.constantFrom('A: 1', 'B: 2', '', '.', 'body', '..x');
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 12 }),
      fc.constantFrom('\r\n', '\n', '\r'),
      fc.nat(6),
      fc.array(fc.nat(80), { maxLength: 3 }),
      (lines, ending, bodyLines, rawCuts) => {
        const text = Buffer.from(lines.join(ending), 'latin1');
        const cuts = rawCuts.map((c) => Math.min(c, text.length)).sort((a, b) => a - b);
        assert.equal(
          stuff(text, cuts, bodyLines).toString(),
          stuff(text, [], bodyLines).toString(),
        );
      },
    ),
  );
});
