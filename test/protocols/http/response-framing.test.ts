import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideResponseFraming } from '../../../src/protocols/http/codec/response-framing.js';

const base = {
  requestVersion: '1.1',
  method: 'GET',
  status: 200,
  contentLength: null,
  keepAlive: true,
} as const;

test('decideResponseFraming() sets Content-Length when the length is known', () => {
  assert.deepEqual(decideResponseFraming({ ...base, contentLength: 12 }), {
    kind: 'length',
    headers: [['Content-Length', '12']],
    keepAlive: true,
  });
});

test('decideResponseFraming() chunks an unknown length for HTTP/1.1', () => {
  assert.deepEqual(decideResponseFraming(base), {
    kind: 'chunked',
    headers: [['Transfer-Encoding', 'chunked']],
    keepAlive: true,
  });
});

test('decideResponseFraming() closes the connection for an unknown length on HTTP/1.0', () => {
  assert.deepEqual(decideResponseFraming({ ...base, requestVersion: '1.0' }), {
    kind: 'close',
    headers: [],
    keepAlive: false,
  });
});

test('decideResponseFraming() says keep-alive to an HTTP/1.0 client that asked for it', () => {
  assert.deepEqual(decideResponseFraming({ ...base, requestVersion: '1.0', contentLength: 0 }), {
    kind: 'length',
    headers: [
      ['Content-Length', '0'],
      ['Connection', 'keep-alive'],
    ],
    keepAlive: true,
  });
});

test('decideResponseFraming() says close when the request did not keep the connection', () => {
  assert.deepEqual(decideResponseFraming({ ...base, keepAlive: false, contentLength: 1 }), {
    kind: 'length',
    headers: [
      ['Content-Length', '1'],
      ['Connection', 'close'],
    ],
    keepAlive: false,
  });
});

test('decideResponseFraming() gives no body to HEAD, 1xx, 204 and 304', () => {
  assert.deepEqual(decideResponseFraming({ ...base, method: 'HEAD', contentLength: 7 }), {
    kind: 'none',
    headers: [['Content-Length', '7']],
    keepAlive: true,
  });
  for (const status of [100, 204, 304]) {
    const framing = decideResponseFraming({ ...base, status, contentLength: 5 });
    assert.equal(framing.kind, 'none');
    assert.deepEqual(framing.headers, []);
  }
});

test('decideResponseFraming() refuses an impossible status or length with RangeError', () => {
  assert.throws(() => decideResponseFraming({ ...base, status: 42 }), RangeError);
  assert.throws(() => decideResponseFraming({ ...base, contentLength: -1 }), RangeError);
});
