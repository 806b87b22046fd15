import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Producer } from '../../../src/dispatch/index.js';
import {
  CommonHeaders,
  HttpRequest,
  HttpResponse,
  PreparedFields,
  RequestBody,
  RequestParser,
  type ResponseSink,
} from '../../../src/protocols/http/index.js';
import { ManualClock } from '../../../src/testing/index.js';

function requestFor(raw: string): HttpRequest {
  const parser = new RequestParser();
  parser.receiveData(Buffer.from(raw, 'latin1'));
  const event = parser.nextEvent();
  assert.equal(event?.type, 'request');
  if (event?.type !== 'request') throw new Error('no request');
  return new HttpRequest(
    event,
    RequestBody.empty(),
    { remoteAddress: '::1', remotePort: 5, secure: false },
    0,
  );
}

function capture(): { sink: ResponseSink; text: () => string; finished: () => number } {
  const parts: Buffer[] = [];
  let finished = 0;
  const sink: ResponseSink = {
    commonHeaders: () => 'Date: X\r\n',
    write: (_r, bytes) => parts.push(Buffer.from(bytes)),
    produce: (_r, producer: Producer) => {
      for (;;) {
        const chunk = producer.more();
        if (chunk instanceof Promise) throw new Error('async in test');
        if (chunk.length === 0) break;
        parts.push(Buffer.from(chunk));
      }
    },
    finish: () => {
      finished++;
    },
    sent: () => {},
  };
  return { sink, text: () => Buffer.concat(parts).toString('latin1'), finished: () => finished };
}

test('HttpRequest splits path and query and lower-cases the host name', () => {
  const request = requestFor('GET /a%20b?x=1&y=2 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n');
  assert.equal(request.path, '/a%20b');
  assert.equal(request.query, 'x=1&y=2');
  assert.equal(request.hostname, '::1');
  assert.equal(request.requestLine, 'GET /a%20b?x=1&y=2 HTTP/1.1');
  assert.equal(requestFor('GET / HTTP/1.1\r\nHost: Example.org\r\n\r\n').hostname, 'example.org');
});

test('HttpResponse.send() writes one head with framing and the body', () => {
  const { sink, text, finished } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  response.status = 201;
  response.setHeader('X-A', 1).appendHeader('Set-Cookie', 'a=1').appendHeader('Set-Cookie', 'b=2');
  response.send('héllo');
  assert.equal(
    text(),
    'HTTP/1.1 201 Created\r\nDate: X\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\n\r\nh\xc3\xa9llo',
  );
  assert.equal(finished(), 1);
  assert.equal(response.finished, true);
  assert.throws(() => response.setHeader('X-B', '2'), /already started/);
});

test('HttpResponse refuses header values that would split the message', () => {
  const { sink } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  assert.throws(() => response.setHeader('X-A', 'a\r\nInjected: 1'), TypeError);
  assert.throws(() => response.setHeader('Bad Name', 'a'), TypeError);
  response.status = 100;
  assert.throws(() => response.send(), RangeError);
});

test('HttpResponse checks every new field name and value, also right after a valid one', () => {
  const { sink } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  response.setHeader('X-A', 'ok');
  response.setHeader('X-A', 'ok');
  assert.throws(() => response.setHeader('X-A', 'ok\r\nInjected: 1'), TypeError);
  assert.throws(() => response.setHeader('X A', 'ok'), TypeError);
  assert.throws(() => response.setHeader('', ''), TypeError);
  response.setHeader('X-B', '');
  assert.throws(() => response.setHeader('', ''), TypeError);
  assert.equal(response.getHeader('x-b'), '');
});

test('HttpResponse drops framing fields a handler sets and honours Connection: close', () => {
  const { sink, text } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  response.setHeader('Transfer-Encoding', 'gzip').setHeader('Connection', 'close');
  response.send(Buffer.from('x'));
  assert.doesNotMatch(text(), /gzip/);
  assert.match(text(), /Content-Length: 1\r\nConnection: close\r\n\r\nx$/);
  assert.equal(response.keepAlive, false);
});

test('HttpResponse answers HTTP/1.0 keep-alive with Connection: keep-alive', () => {
  const { sink, text } = capture();
  const request = requestFor('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  new HttpResponse(request, sink).send(Buffer.from('x'));
  assert.match(text(), /Connection: keep-alive\r\n/);
});

test('HttpResponse.sendPrepared() sends the prepared lines as setHeader() would', () => {
  const prepared = new PreparedFields([
    ['ETag', 'W/"1"'],
    ['Content-Type', 'text/html'],
  ]);
  const fresh = capture();
  const request = requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  new HttpResponse(request, fresh.sink).sendPrepared(prepared, Buffer.from('hi'));
  const manual = capture();
  new HttpResponse(request, manual.sink)
    .setHeader('ETag', 'W/"1"')
    .setHeader('Content-Type', 'text/html')
    .send(Buffer.from('hi'));
  assert.equal(fresh.text(), manual.text());
  assert.equal(
    fresh.text(),
    'HTTP/1.1 200 OK\r\nDate: X\r\nETag: W/"1"\r\nContent-Type: text/html\r\n' +
      'Content-Length: 2\r\n\r\nhi',
  );
  // A field set before replaces nothing twice: the prepared value wins, once.
  const set = capture();
  const response = new HttpResponse(request, set.sink).setHeader('content-type', 'x/y');
  response.sendPrepared(prepared, Buffer.from('hi'));
  assert.equal(set.text().match(/content-type/gi)?.length, 1);
  assert.match(set.text(), /Content-Type: text\/html\r\n/);
});

test('HttpResponse frames HEAD, 204, 304 and HTTP/1.0 as decideResponseFraming() says', () => {
  const cases: Array<[string, number, RegExp, RegExp | null]> = [
    ['HEAD / HTTP/1.1\r\nHost: a\r\n\r\n', 200, /Content-Length: 2\r\n\r\n$/, null],
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 204, /Date: X\r\n\r\n$/, /Content-Length/],
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 304, /Date: X\r\n\r\n$/, /Content-Length/],
    ['GET / HTTP/1.0\r\n\r\n', 200, /Content-Length: 2\r\n\r\nhi$/, /Connection/],
    [
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      200,
      /Content-Length: 2\r\nConnection: close\r\n\r\nhi$/,
      null,
    ],
  ];
  for (const [raw, status, wanted, unwanted] of cases) {
    const { sink, text } = capture();
    const response = new HttpResponse(requestFor(raw), sink);
    response.status = status;
    response.send(Buffer.from('hi'));
    assert.match(text(), wanted, raw);
    if (unwanted !== null) assert.doesNotMatch(text(), unwanted, raw);
  }
});

test('HttpResponse.write() past a declared Content-Length throws', () => {
  const { sink } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  response.setHeader('Content-Length', '3');
  response.write('ab');
  assert.throws(() => response.write('cd'), RangeError);
  response.end('c');
  assert.equal(response.keepAlive, true);
});

test('HttpResponse.produce() with a length sends exactly that many bytes', () => {
  const { sink, text } = capture();
  const response = new HttpResponse(requestFor('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), sink);
  const chunks = [Buffer.from('abc'), Buffer.from('def')];
  response.produce({ more: () => chunks.shift() ?? Buffer.alloc(0) }, 5);
  assert.ok(text().endsWith('Content-Length: 5\r\n\r\nabcde'));
});

test('CommonHeaders formats the date once per second and writes the server name', () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 2, 3, 4, 5, 100));
  const common = new CommonHeaders(clock, 'test/1');
  assert.equal(common.text(), 'Date: Tue, 02 Jan 2024 03:04:05 GMT\r\nServer: test/1\r\n');
  clock.advance(800);
  assert.match(common.text(), /03:04:05/);
  clock.advance(300);
  assert.match(common.text(), /03:04:06/);
  assert.equal(new CommonHeaders(clock, '').text().includes('Server'), false);
  assert.throws(() => new CommonHeaders(clock, 'bad\r\n'), TypeError);
});
