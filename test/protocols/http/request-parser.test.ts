import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestParser } from '../../../src/protocols/http/codec/request-parser.js';

test('RequestParser hands out body data as views of the received buffer, not copies', () => {
  const input = Buffer.from('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
  const parser = new RequestParser();
  parser.receiveData(input);
  assert.equal(parser.nextEvent()?.type, 'request');
  const data = parser.nextEvent();
  assert.equal(data?.type, 'data');
  if (data?.type !== 'data') return;
  assert.equal(data.data.toString(), 'hello');
  assert.equal(data.data.buffer, input.buffer);
});

test('RequestParser delivers a body that arrives after the head without copying it', () => {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from('PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n'));
  assert.equal(parser.nextEvent()?.type, 'request');
  assert.equal(parser.nextEvent(), null);
  const body = Buffer.from('abcdef');
  parser.receiveData(body);
  const data = parser.nextEvent();
  assert.ok(data?.type === 'data' && data.data.buffer === body.buffer);
  assert.equal(parser.nextEvent()?.type, 'end');
});

test('RequestParser accepts a plain Uint8Array', () => {
  const parser = new RequestParser();
  parser.receiveData(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
  assert.equal(parser.nextEvent()?.type, 'request');
});

test('RequestParser exposes headers in order with case-insensitive lookup', () => {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\naccept: y\r\n\r\n'));
  const ev = parser.nextEvent();
  assert.ok(ev?.type === 'request');
  assert.equal(ev.headers.get('ACCEPT'), 'x, y');
  assert.deepEqual(ev.headers.getAll('accept'), ['x', 'y']);
  assert.equal(ev.headers.has('cookie'), false);
  assert.deepEqual(ev.headers.toArray(), [
    ['Host', 'a'],
    ['Accept', 'x'],
    ['accept', 'y'],
  ]);
});

test('RequestParser reports one error, then stays silent and ignores more input', () => {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost : a\r\n\r\n'));
  assert.deepEqual(parser.nextEvent(), {
    type: 'error',
    status: 400,
    reason: 'Whitespace before colon',
    close: true,
  });
  assert.equal(parser.finished, true);
  parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
  assert.equal(parser.nextEvent(), null);
});

test('RequestParser reports an endless header section as 431 without holding it all', () => {
  const parser = new RequestParser({ maxHeaderBytes: 1024 });
  parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nX: '));
  assert.equal(parser.nextEvent(), null);
  let ev = null;
  for (let i = 0; i < 100 && ev === null; i++) {
    parser.receiveData(Buffer.alloc(100, 0x61));
    ev = parser.nextEvent();
  }
  assert.deepEqual(ev, {
    type: 'error',
    status: 431,
    reason: 'Header section too large',
    close: true,
  });
});

test('RequestParser refuses limits that are not positive integers with RangeError', () => {
  assert.throws(() => new RequestParser({ maxHeaderCount: 0 }), RangeError);
  assert.throws(() => new RequestParser({ maxBodySize: 1.5 }), RangeError);
  assert.throws(() => new RequestParser({ maxStartLineLength: Number.NaN }), RangeError);
});

test('RequestParser.takeBuffered() returns the bytes after a closing request exactly once', () => {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nextra'));
  assert.equal(parser.nextEvent()?.type, 'request');
  assert.equal(parser.nextEvent()?.type, 'end');
  assert.equal(parser.nextEvent(), null);
  parser.receiveData(Buffer.from('-more'));
  assert.equal(parser.takeBuffered().toString(), 'extra-more');
  assert.equal(parser.takeBuffered().length, 0);
});

test('RequestParser parses a pipelined request only when asked, one event at a time', () => {
  const parser = new RequestParser();
  const one = 'GET /a HTTP/1.1\r\nHost: a\r\n\r\n';
  parser.receiveData(Buffer.from(one.repeat(1000)));
  let requests = 0;
  for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) {
    if (ev.type === 'request') requests++;
  }
  assert.equal(requests, 1000);
});
