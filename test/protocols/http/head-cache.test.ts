import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HEAD_CACHE_ENTRIES,
  HEAD_CACHE_MAX_BYTES,
  HeadCache,
  HttpRequest,
  HttpResponse,
  RequestBody,
  RequestParser,
  type ResponseSink,
} from '../../../src/protocols/http/index.js';

const DATE_1 = 'Date: Tue, 24 Nov 2026 19:00:00 GMT\r\nServer: polyport\r\n';
const DATE_2 = 'Date: Tue, 24 Nov 2026 19:00:01 GMT\r\nServer: polyport\r\n';

function requestFor(raw: string): HttpRequest {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from(raw, 'latin1'));
  const event = parser.nextEvent();
  if (event?.type !== 'request') throw new Error('no request');
  return new HttpRequest(
    event,
    RequestBody.empty(),
    { remoteAddress: '127.0.0.1', remotePort: 5, secure: false },
    0,
  );
}

/** A sink sharing `heads`, whose Date text is whatever `date.text` holds at the time. */
function sinkWith(
  heads: HeadCache | undefined,
  date: { text: string },
): { sink: ResponseSink; out: Buffer[] } {
  const out: Buffer[] = [];
  const sink: ResponseSink = {
    commonHeaders: () => date.text,
    write: (_r, bytes) => out.push(Buffer.from(bytes)),
    produce: () => {},
    finish: () => {},
    sent: () => {},
    heads,
  };
  return { sink, out };
}

const GET = 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n';

/** Sends one response with the cache and one without; returns both texts. */
function sendBoth(
  raw: string,
  answer: (response: HttpResponse) => void,
  heads: HeadCache,
  date: { text: string },
): { cached: string; plain: string; keepAlive: [boolean, boolean] } {
  const withCache = sinkWith(heads, date);
  const cachedResponse = new HttpResponse(requestFor(raw), withCache.sink);
  answer(cachedResponse);
  const without = sinkWith(undefined, date);
  const plainResponse = new HttpResponse(requestFor(raw), without.sink);
  answer(plainResponse);
  return {
    cached: Buffer.concat(withCache.out).toString('latin1'),
    plain: Buffer.concat(without.out).toString('latin1'),
    keepAlive: [cachedResponse.keepAlive, plainResponse.keepAlive],
  };
}

test('HeadCache.head() gives the bytes the encoder makes, and the same entry again for the same key', () => {
  const heads = new HeadCache();
  const first = heads.head(200, DATE_1, ['Content-Type', 'text/plain'], '', 14);
  assert.equal(
    first.bytes.toString('latin1'),
    `HTTP/1.1 200 OK\r\n${DATE_1}Content-Type: text/plain\r\nContent-Length: 14\r\n\r\n`,
  );
  assert.equal(first.kind, 'length');
  assert.equal(first.keepAlive, true);
  assert.equal(first.declared, 14);
  assert.equal(heads.head(200, DATE_1, ['Content-Type', 'text/plain'], '', 14), first);
  assert.equal(heads.size, 1);
});

test('HeadCache.head() keeps status, Date text, fields, prepared lines and length apart', () => {
  const heads = new HeadCache();
  const first = heads.head(200, DATE_1, ['Content-Type', 'text/plain'], '', 14);
  for (const other of [
    heads.head(404, DATE_1, ['Content-Type', 'text/plain'], '', 14),
    heads.head(200, DATE_2, ['Content-Type', 'text/plain'], '', 14),
    heads.head(200, DATE_1, ['Content-Type', 'text/html'], '', 14),
    heads.head(200, DATE_1, ['Content-Type', 'text/plain', 'X', 'y'], '', 14),
    heads.head(200, DATE_1, ['Content-Type', 'text/plain'], 'A: b\r\n', 14),
    heads.head(200, DATE_1, ['Content-Type', 'text/plain'], '', 15),
  ]) {
    assert.notEqual(other, first);
    assert.notEqual(other.bytes.toString('latin1'), first.bytes.toString('latin1'));
  }
});

test('HeadCache keeps its own copy of the fields, so a caller changing its array later does not change the key', () => {
  const heads = new HeadCache();
  const fields = ['Content-Type', 'text/plain'];
  const kept = heads.head(200, DATE_1, fields, '', 1);
  fields[1] = 'text/html';
  assert.notEqual(heads.head(200, DATE_1, fields, '', 1), kept);
  assert.equal(heads.head(200, DATE_1, ['Content-Type', 'text/plain'], '', 1), kept);
});

test('HeadCache holds at most HEAD_CACHE_ENTRIES heads, replacing the oldest first', () => {
  const heads = new HeadCache();
  const made = [];
  for (let length = 0; length < HEAD_CACHE_ENTRIES + 3; length++) {
    made.push(heads.head(200, DATE_1, [], '', length));
    assert.ok(heads.size <= HEAD_CACHE_ENTRIES);
  }
  assert.equal(heads.size, HEAD_CACHE_ENTRIES);
  for (let length = HEAD_CACHE_ENTRIES + 2; length >= 3; length--) {
    assert.equal(heads.head(200, DATE_1, [], '', length), made[length], `length ${length} kept`);
  }
  for (let length = 0; length < 3; length++) {
    assert.notEqual(
      heads.head(200, DATE_1, [], '', length),
      made[length],
      `length ${length} evicted`,
    );
  }
});

test('HeadCache drops every held head once a head with a new Date text is made', () => {
  const heads = new HeadCache();
  const old = heads.head(200, DATE_1, [], '', 1);
  heads.head(404, DATE_1, [], '', 1);
  assert.equal(heads.size, 2);
  const fresh = heads.head(200, DATE_2, [], '', 1);
  assert.equal(heads.size, 1);
  assert.ok(fresh.bytes.toString('latin1').includes('19:00:01'));
  assert.notEqual(heads.head(200, DATE_1, [], '', 1), old);
});

test('HeadCache does not keep a head longer than HEAD_CACHE_MAX_BYTES, but still makes it', () => {
  const heads = new HeadCache();
  const long = ['X-Long', 'x'.repeat(HEAD_CACHE_MAX_BYTES)];
  const made = heads.head(200, DATE_1, long, '', 1);
  assert.ok(made.bytes.length > HEAD_CACHE_MAX_BYTES);
  assert.equal(heads.size, 0);
  heads.head(200, DATE_1, [], '', 1);
  assert.equal(heads.size, 1);
});

test('HeadCache.head() honours a field asking to close, as the encoder does', () => {
  const heads = new HeadCache();
  const closing = heads.head(200, DATE_1, ['Connection', 'close'], '', 3);
  assert.equal(closing.keepAlive, false);
  assert.match(closing.bytes.toString('latin1'), /Content-Length: 3\r\nConnection: close\r\n\r\n$/);
});

test('HttpResponse.send() with a head cache writes the same bytes as without, first and repeated', () => {
  const heads = new HeadCache();
  const date = { text: DATE_1 };
  const answer = (response: HttpResponse): void => {
    response.setHeader('Content-Type', 'text/plain');
    response.send(Buffer.from('Hello, World!\n'));
  };
  const first = sendBoth(GET, answer, heads, date);
  assert.equal(first.cached, first.plain);
  assert.equal(heads.size, 1);
  const again = sendBoth(GET, answer, heads, date);
  assert.equal(again.cached, again.plain);
  assert.equal(heads.size, 1, 'the repeated head was found, not stored again');
  assert.match(again.cached, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(again.cached, /Content-Length: 14\r\n\r\nHello, World!\n$/);
});

test('HttpResponse with a head cache sends the new Date once the second changes (invalidation)', () => {
  const heads = new HeadCache();
  const date = { text: DATE_1 };
  const answer = (response: HttpResponse): void => response.send(Buffer.from('x'));
  sendBoth(GET, answer, heads, date);
  date.text = DATE_2;
  const later = sendBoth(GET, answer, heads, date);
  assert.equal(later.cached, later.plain);
  assert.ok(later.cached.includes('19:00:01'), 'the head carries the new date');
  assert.ok(!later.cached.includes('19:00:00'));
});

test('HttpResponse with a head cache keeps statuses, fields, reasons and lengths apart', () => {
  const heads = new HeadCache();
  const date = { text: DATE_1 };
  const cases: ((response: HttpResponse) => void)[] = [
    (r) => r.send(Buffer.from('abc')),
    (r) => r.send(Buffer.from('abcd')),
    (r) => {
      r.status = 404;
      r.send(Buffer.from('abc'));
    },
    (r) => {
      r.reason = 'Fine';
      r.send(Buffer.from('abc'));
    },
    (r) => {
      r.setHeader('X-A', '1');
      r.send(Buffer.from('abc'));
    },
    (r) => {
      r.setHeader('X-A', '2');
      r.send(Buffer.from('abc'));
    },
    (r) => r.send('text body'),
  ];
  for (let round = 0; round < 2; round++) {
    for (const answer of cases) {
      const both = sendBoth(GET, answer, heads, date);
      assert.equal(both.cached, both.plain);
    }
  }
  assert.ok(heads.size <= HEAD_CACHE_ENTRIES);
});

test('HttpResponse with a head cache never reuses a head for a response that closes or has no body', () => {
  const heads = new HeadCache();
  const date = { text: DATE_1 };
  const plain = (r: HttpResponse): void => r.send(Buffer.from('abc'));
  // Warm the cache with the keep-alive head first: none of these may pick it up.
  sendBoth(GET, plain, heads, date);
  const closing = (r: HttpResponse): void => {
    r.setHeader('Connection', 'close');
    r.send(Buffer.from('abc'));
  };
  for (const [raw, answer] of [
    [GET, closing],
    [GET, closing],
    ['GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', plain],
    ['HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n', plain],
    ['GET /hello HTTP/1.0\r\n\r\n', plain],
    ['GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', plain],
  ] as const) {
    const both = sendBoth(raw, answer, heads, date);
    assert.equal(both.cached, both.plain, raw);
    assert.deepEqual(both.keepAlive, [both.keepAlive[1], both.keepAlive[1]]);
  }
  const closed = sendBoth(GET, closing, heads, date);
  assert.deepEqual(closed.keepAlive, [false, false]);
  assert.match(closed.cached, /Connection: close\r\n/);
});
