import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeChunk, encodeLastChunk } from '../../../src/protocols/http/codec/chunked-encoder.js';
import { encodeRequestHead } from '../../../src/protocols/http/codec/encode-head.js';
import { RequestParser } from '../../../src/protocols/http/codec/request-parser.js';
import { ResponseParser } from '../../../src/protocols/http/codec/response-parser.js';
import { describe } from './support/fixtures.js';

type Parser = RequestParser | ResponseParser;

/** Feeds `input` cut at `cuts`, returning the event log with data joined, and never throwing. */
function run(make: () => Parser, input: Buffer, cuts: number[], close: boolean): string[] {
  const parser = make();
  const log: string[] = [];
  let data = '';
  const drain = (): void => {
    for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) {
      if (ev.type === 'data') data += ev.data.toString('latin1');
      else {
        if (data !== '') log.push(`data ${JSON.stringify(data)}`);
        data = '';
        log.push(...describe(ev));
      }
    }
  };
  let at = 0;
  for (const cut of [
    ...cuts.filter((c) => c <= input.length).sort((a, b) => a - b),
    input.length,
  ]) {
    parser.receiveData(input.subarray(at, cut));
    at = cut;
    drain();
  }
  if (close) {
    parser.connectionClosed();
    drain();
  }
  if (data !== '') log.push(`data ${JSON.stringify(data)}`);
  return log;
}

/** Bytes that look like HTTP often enough to get past the request line. */
const httpish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'GET / HTTP/1.1\r\n',
        'POST /x HTTP/1.1\r\n',
        'HTTP/1.1 200 OK\r\n',
        'Host: a\r\n',
        'Content-Length: 3\r\n',
        'Transfer-Encoding: chunked\r\n',
        'Connection: close\r\n',
        '\r\n',
        '\n',
        '\r',
        ' ',
        '3\r\nabc\r\n',
        '0\r\n\r\n',
        'abc',
        ':',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

const anyInput = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
  httpish,
);

function checkShape(log: string[]): void {
  const errors = log.filter((l) => l.startsWith('error'));
  assert.ok(errors.length <= 1, 'at most one error');
  if (errors.length === 1) assert.ok(log.at(-1)!.startsWith('error'), 'the error comes last');
}

for (const [name, make] of [
  ['RequestParser', () => new RequestParser({ maxHeaderBytes: 64, maxStartLineLength: 32 })],
  ['ResponseParser', () => new ResponseParser({ maxHeaderBytes: 64, maxStartLineLength: 32 })],
] as const) {
  test(`${name} gives the same events for random bytes however they are split`, () => {
    fc.assert(
      fc.property(
        anyInput,
        fc.array(fc.nat(320), { maxLength: 6 }),
        fc.boolean(),
        (input, cuts, close) => {
          const whole = run(make, input, [], close);
          checkShape(whole);
          assert.deepEqual(run(make, input, cuts, close), whole);
        },
      ),
      { numRuns: 600 },
    );
  });

  test(`${name} gives the same events for random bytes fed byte by byte`, () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const every = Array.from({ length: input.length }, (_, i) => i);
        assert.deepEqual(run(make, input, every, false), run(make, input, [], false));
      }),
      { numRuns: 200 },
    );
  });
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc
  .stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/)
  .filter((v) => v.length > 0);

test('a request encoded with encodeRequestHead and encodeChunk parses back to the same request', () => {
  fc.assert(
    fc.property(
      token,
      fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/),
      fc.array(
        fc.tuple(
          token.filter(
            (n) => !/^(host|content-length|transfer-encoding|connection|expect)$/i.test(n),
          ),
          fieldValue,
        ),
        { maxLength: 8 },
      ),
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 4 }),
      fc.array(fc.tuple(token, fieldValue), { maxLength: 3 }),
      fc.array(fc.nat(400), { maxLength: 4 }),
      (method, target, fields, chunks, trailers, cuts) => {
        fc.pre(method !== 'CONNECT');
        const headers: Array<[string, string]> = [
          ['Host', 'example.com'],
          ...fields,
          ['Transfer-Encoding', 'chunked'],
        ];
        const body = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        const wire = Buffer.concat([
          encodeRequestHead({ method, target, headers }),
          ...chunks.map((c) => encodeChunk(c)),
          encodeLastChunk(trailers),
        ]);
        const parser = new RequestParser();
        const events = [];
        let at = 0;
        for (const cut of [
          ...cuts.filter((c) => c < wire.length).sort((a, b) => a - b),
          wire.length,
        ]) {
          parser.receiveData(wire.subarray(at, cut));
          at = cut;
          for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) events.push(ev);
        }
        const head = events[0];
        assert.equal(head?.type, 'request');
        if (head?.type !== 'request') return;
        assert.equal(head.method, method);
        assert.equal(head.target, target);
        assert.deepEqual(head.headers.toArray(), headers);
        const received = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
        assert.deepEqual(received, body);
        const end = events.at(-1);
        assert.equal(end?.type, 'end');
        if (end?.type === 'end') assert.deepEqual(end.trailers.toArray(), trailers);
      },
    ),
    { numRuns: 300 },
  );
});
