import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeChunk, encodeLastChunk } from '../../../src/protocols/http/codec/chunked-encoder.js';
import { encodeResponseHead } from '../../../src/protocols/http/codec/encode-head.js';
import { ResponseParser } from '../../../src/protocols/http/codec/response-parser.js';
import { chunkings } from '../../../src/testing/index.js';

test('ResponseParser.requestSent() refuses a method that is not a token with TypeError', () => {
  assert.throws(() => new ResponseParser().requestSent('GET /'), TypeError);
});

test('a response encoded with encodeResponseHead and encodeChunk parses back the same', () => {
  const wire = Buffer.concat([
    encodeResponseHead({
      status: 200,
      headers: [
        ['Content-Type', 'text/plain'],
        ['Transfer-Encoding', 'chunked'],
      ],
    }),
    encodeChunk(Buffer.from('hello ')),
    encodeChunk(Buffer.alloc(0)),
    encodeChunk(Buffer.from('world')),
    encodeLastChunk([['X-Sum', '42']]),
  ]);
  for (const { label, chunks } of chunkings(wire)) {
    const parser = new ResponseParser();
    parser.requestSent('GET');
    const events = [];
    for (const chunk of chunks) {
      parser.receiveData(chunk);
      for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) events.push(ev);
    }
    const head = events[0];
    assert.ok(head?.type === 'response', label);
    assert.equal(head.status, 200);
    assert.equal(head.reason, 'OK');
    const body = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
    assert.equal(body.toString(), 'hello world', label);
    const end = events.at(-1);
    assert.ok(end?.type === 'end', label);
    assert.equal(end.trailers.get('x-sum'), '42');
  }
});

test('ResponseParser ends a read-until-close body only at connectionClosed()', () => {
  const parser = new ResponseParser();
  parser.receiveData(Buffer.from('HTTP/1.1 200 OK\r\n\r\nabc'));
  assert.equal(parser.nextEvent()?.type, 'response');
  assert.equal(parser.nextEvent()?.type, 'data');
  assert.equal(parser.nextEvent(), null);
  parser.connectionClosed();
  assert.equal(parser.nextEvent()?.type, 'end');
  assert.equal(parser.nextEvent(), null);
  assert.equal(parser.finished, true);
});
