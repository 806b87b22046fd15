import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ServerConnection,
  type ServerConnectionEvent,
} from '../../../src/protocols/http/codec/server-connection.js';
import { chunkings } from '../../../src/testing/index.js';

const COMMON = 'Date: Sun, 06 Dec 2026 10:00:00 GMT\r\nServer: polyport\r\n';

/** An event as plain data: heads by method and target, data as text. */
function describe(event: ServerConnectionEvent): string {
  switch (event.type) {
    case 'request':
      return `request ${event.method} ${event.target} keepAlive=${event.keepAlive}`;
    case 'data':
      return `data ${event.data.toString('latin1')}`;
    case 'end':
      return 'end';
    default:
      return `error ${event.status} answer=${event.answer}`;
  }
}

/** Every event available now. */
function drain(conn: ServerConnection): string[] {
  const out: string[] = [];
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
    out.push(describe(event));
  }
  return out;
}

/**
 * Plays a server that answers each request as soon as it has ended, with a response that keeps
 * the connection when `keepAlive` says so: the events seen, and `answered` after each answer.
 */
function serve(
  chunks: readonly Buffer[],
  keepAlive: (n: number) => boolean = () => true,
): { log: string[]; conn: ServerConnection } {
  const conn = new ServerConnection();
  const log: string[] = [];
  let answered = 0;
  const pump = (): void => {
    for (;;) {
      const events = drain(conn);
      log.push(...events);
      if (!conn.inExchange || conn.receivingBody) return;
      // A complete request waits for its answer: nothing more is parsed until it is given.
      assert.equal(conn.nextEvent(), null);
      conn.responseBegun();
      conn.responseFinished(keepAlive(answered), true);
      log.push(`answered ${answered++}`);
    }
  };
  for (const chunk of chunks) {
    conn.receiveData(chunk);
    pump();
  }
  return { log, conn };
}

const GET_A = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
const GET_B = 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n';
const POST = 'POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED =
  'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n';

/** Joins the data events of a log, so differently cut input compares equal. */
function joined(log: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of log) {
    const last = out[out.length - 1];
    if (entry.startsWith('data ') && last?.startsWith('data '))
      out[out.length - 1] = last + entry.slice(5);
    else out.push(entry);
  }
  return out;
}

test('ServerConnection answers pipelined requests one at a time, in order, however the input is cut', () => {
  const input = Buffer.from(GET_A + POST + CHUNKED + GET_B, 'latin1');
  const expected = [
    'request GET /a keepAlive=true',
    'end',
    'answered 0',
    'request POST /p keepAlive=true',
    'data hello',
    'end',
    'answered 1',
    'request POST /c keepAlive=true',
    'data abcde',
    'end',
    'answered 2',
    'request GET /b keepAlive=true',
    'end',
    'answered 3',
  ];
  for (const { label, chunks } of chunkings(input)) {
    const { log, conn } = serve(chunks);
    assert.deepEqual(joined(log), expected, label);
    assert.equal(conn.closing, false, label);
    assert.equal(conn.readingFor, 'request', label);
    assert.equal(conn.idle, true, label);
  }
});

test('ServerConnection parses no pipelined request before the response to the one before has finished', () => {
  const conn = new ServerConnection();
  conn.receiveData(Buffer.from(GET_A + GET_B, 'latin1'));
  assert.deepEqual(drain(conn), ['request GET /a keepAlive=true', 'end']);
  assert.equal(conn.readingFor, 'nothing');
  conn.responseBegun();
  assert.equal(conn.nextEvent(), null, 'a begun response is not a finished one');
  assert.equal(conn.responseFinished(true, false), false);
  assert.deepEqual(drain(conn), ['request GET /b keepAlive=true', 'end']);
});

test('ServerConnection closes after a request with Connection: close, and ignores what follows', () => {
  const input = Buffer.from(
    `GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n${GET_B}`,
    'latin1',
  );
  for (const { label, chunks } of chunkings(input)) {
    const { log, conn } = serve(chunks, () => false);
    assert.deepEqual(log, ['request GET /a keepAlive=false', 'end', 'answered 0'], label);
    assert.equal(conn.closing, true, label);
    assert.equal(conn.readingFor, 'drain', label);
    assert.equal(conn.lingers, true, label);
  }
});

test('ServerConnection closes after a response that does not keep the connection, an HTTP/1.0 one say', () => {
  const { log, conn } = serve(
    [Buffer.from(`GET / HTTP/1.0\r\n\r\n${GET_B}`, 'latin1')],
    () => false,
  );
  assert.deepEqual(log, ['request GET / keepAlive=false', 'end', 'answered 0']);
  assert.equal(conn.closing, true);
  conn.receiveData(Buffer.from(GET_A, 'latin1'));
  assert.equal(conn.nextEvent(), null, 'a closing connection parses nothing more');
});

test('ServerConnection keeps an HTTP/1.0 connection that asked for keep-alive', () => {
  const { log, conn } = serve([
    Buffer.from(`GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n${GET_B}`, 'latin1'),
  ]);
  assert.deepEqual(log, [
    'request GET / keepAlive=true',
    'end',
    'answered 0',
    'request GET /b keepAlive=true',
    'end',
    'answered 1',
  ]);
  assert.equal(conn.closing, false);
});

const EXPECT = 'PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n';

test('ServerConnection sends 100 Continue once, when the body is wanted, and not after a response began', () => {
  const conn = new ServerConnection();
  conn.receiveData(Buffer.from(EXPECT, 'latin1'));
  assert.deepEqual(drain(conn), ['request PUT /u keepAlive=true']);
  assert.equal(conn.awaitingContinue, true);
  assert.equal(conn.readingFor, 'body');
  assert.equal(conn.continueBody(), true);
  assert.equal(conn.takeOutput().toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
  assert.equal(conn.continueBody(), false, 'only once');
  assert.equal(conn.takeOutput().length, 0);
  conn.receiveData(Buffer.from('abc'));
  assert.deepEqual(drain(conn), ['data abc', 'end']);

  const early = new ServerConnection();
  early.receiveData(Buffer.from(EXPECT, 'latin1'));
  drain(early);
  early.responseBegun();
  assert.equal(early.continueBody(), false, 'a response already began: no 100 Continue');
  assert.equal(early.takeOutput().length, 0);
});

test('ServerConnection closes rather than wait for a body the client holds back for 100 Continue', () => {
  const conn = new ServerConnection();
  conn.receiveData(Buffer.from(EXPECT, 'latin1'));
  drain(conn);
  conn.responseBegun();
  assert.equal(conn.responseFinished(true, false), true, 'the body is refused');
  assert.equal(conn.closing, true);
  assert.equal(conn.inExchange, false);
});

test('ServerConnection reads and drops the rest of a body whose response finished early, then goes on', () => {
  const conn = new ServerConnection();
  conn.receiveData(
    Buffer.from('POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe', 'latin1'),
  );
  assert.deepEqual(drain(conn), ['request POST /p keepAlive=true', 'data he']);
  conn.responseBegun();
  assert.equal(conn.responseFinished(true, true), false);
  assert.equal(conn.inExchange, true, 'the exchange lasts until the body is in');
  assert.equal(conn.readingFor, 'body');
  conn.receiveData(Buffer.from(`llo${GET_B}`, 'latin1'));
  assert.deepEqual(drain(conn), ['data llo', 'end', 'request GET /b keepAlive=true', 'end']);
});

/** A request that fails to parse, and the status it is answered with. */
const FAILURES: ReadonlyArray<readonly [string, string, number]> = [
  ['a malformed request line', 'GET\r\n\r\n', 400],
  ['a request line over the limit', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n\r\n`, 414],
  [
    'a header section over the limit',
    `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(17000)}\r\n\r\n`,
    431,
  ],
  [
    'a body over the limit',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000000\r\n\r\n',
    413,
  ],
  [
    'an unknown transfer coding',
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n',
    501,
  ],
  ['an unsupported version', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505],
  ['a missing Host', 'GET / HTTP/1.1\r\n\r\n', 400],
  [
    'Content-Length with Transfer-Encoding',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
    400,
  ],
];

for (const [what, raw, status] of FAILURES) {
  test(`ServerConnection answers ${what} with ${status} and closes, however the input is cut`, () => {
    for (const { label, chunks } of chunkings(Buffer.from(raw, 'latin1'))) {
      const conn = new ServerConnection();
      let error: ServerConnectionEvent | null = null;
      for (const chunk of chunks) {
        conn.receiveData(chunk);
        for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
          if (event.type === 'error') error = event;
        }
        if (error !== null) break;
      }
      assert.equal(error?.type, 'error', label);
      if (error?.type !== 'error') continue;
      assert.equal(error.status, status, label);
      assert.equal(error.answer, true, label);
      assert.equal(conn.canAnswer, true, label);
      conn.sendError(error.status, COMMON);
      const text = conn.takeOutput().toString('latin1');
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), label);
      assert.match(text, /\r\nConnection: close\r\n\r\n\d{3} /, label);
      assert.equal(conn.closing, true, label);
      conn.receiveData(Buffer.from(GET_A, 'latin1'));
      assert.equal(conn.nextEvent(), null, `${label}: nothing is parsed after an error`);
    }
  });
}

test('ServerConnection.sendError() frames the error as a plain text body with the common lines', () => {
  const conn = new ServerConnection();
  assert.equal(conn.sendError(400, COMMON), '400 Bad Request\n'.length);
  assert.equal(
    conn.takeOutput().toString('latin1'),
    `HTTP/1.1 400 Bad Request\r\n${COMMON}Content-Type: text/plain; charset=utf-8\r\n` +
      'Content-Length: 16\r\nConnection: close\r\n\r\n400 Bad Request\n',
  );
});

test('ServerConnection answers an error to a HEAD request with the head only', () => {
  const conn = new ServerConnection();
  conn.receiveData(Buffer.from('HEAD / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
  drain(conn);
  assert.equal(conn.canAnswer, true);
  conn.sendError(500, COMMON);
  const text = conn.takeOutput().toString('latin1');
  assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
  assert.ok(text.endsWith('Connection: close\r\n\r\n'), text);
  assert.equal(conn.closing, true);
});

/** A connection in the middle of a chunked body, its first chunk read. */
function midChunkedBody(): ServerConnection {
  const conn = new ServerConnection();
  conn.receiveData(
    Buffer.from(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n',
      'latin1',
    ),
  );
  assert.deepEqual(drain(conn), ['request POST / keepAlive=true', 'data abc']);
  return conn;
}

test('ServerConnection does not answer a broken body once a response began: it closes after that response', () => {
  const conn = midChunkedBody();
  conn.responseBegun();
  conn.receiveData(Buffer.from('zz\r\n', 'latin1'));
  assert.deepEqual(drain(conn), ['error 400 answer=false']);
  assert.equal(conn.canAnswer, false);
  assert.equal(conn.closing, false, 'the response under way is finished first');
  assert.equal(conn.receivingBody, false);
  conn.responseFinished(true, true);
  assert.equal(conn.closing, true);
  assert.equal(conn.takeOutput().length, 0, 'no second response');
});

test('ServerConnection answers a broken body with its error while no response began', () => {
  const conn = midChunkedBody();
  conn.receiveData(Buffer.from('x\r\n', 'latin1'));
  assert.deepEqual(drain(conn), ['error 400 answer=true']);
  assert.equal(conn.canAnswer, true);
  assert.equal(conn.closing, false, 'the answer comes first');
  conn.sendError(400, COMMON);
  assert.match(conn.takeOutput().toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.equal(conn.closing, true);
  assert.equal(conn.inExchange, false);
});

test('ServerConnection answers a half-sent head at the read timeout with 408, and silence with nothing', () => {
  const silent = new ServerConnection();
  assert.equal(silent.readTimedOut(false), null);
  const slow = new ServerConnection();
  slow.receiveData(Buffer.from('GET / HT', 'latin1'));
  assert.equal(slow.nextEvent(), null);
  assert.equal(slow.partialCommand, true);
  assert.equal(slow.readTimedOut(true), 408);
  const busy = new ServerConnection();
  busy.receiveData(Buffer.from(GET_A, 'latin1'));
  drain(busy);
  assert.equal(busy.readTimedOut(true), null, 'a request being answered is not timed out');
});

test('ServerConnection answers a stalled body with 408 before a response began, and cuts it after', () => {
  const conn = new ServerConnection();
  conn.receiveData(
    Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab', 'latin1'),
  );
  drain(conn);
  assert.equal(conn.bodyTimedOut(), 408);
  conn.responseBegun();
  assert.equal(conn.bodyTimedOut(), 'close');
  const done = new ServerConnection();
  done.receiveData(Buffer.from(GET_A, 'latin1'));
  drain(done);
  assert.equal(done.bodyTimedOut(), null, 'no body is awaited');
});

test('ServerConnection finishes the answer to a complete request after the client half-closed, then closes without lingering', () => {
  const conn = new ServerConnection();
  conn.receiveData(Buffer.from(GET_A, 'latin1'));
  drain(conn);
  assert.equal(conn.peerClosed(false), true, 'the answer is still to be made');
  assert.equal(conn.readingFor, 'nothing');
  conn.responseBegun();
  conn.responseFinished(true, false);
  assert.equal(conn.closing, true);
  assert.equal(conn.lingers, false);
});

test('ServerConnection lets queued answers go out after the client half-closed between requests', () => {
  const conn = new ServerConnection();
  assert.equal(conn.peerClosed(true), true);
  assert.equal(conn.closing, true);
  assert.equal(conn.lingers, false);
  assert.equal(conn.peerClosed(true), false, 'a second close ends it');
});

test('ServerConnection closes at once when the client half-closes with nothing to answer', () => {
  assert.equal(new ServerConnection().peerClosed(false), false);
  const midBody = new ServerConnection();
  midBody.receiveData(
    Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab', 'latin1'),
  );
  drain(midBody);
  assert.equal(midBody.peerClosed(false), false, 'a body cut short cannot be answered');
});

test('ServerConnection closes after a CONNECT exchange: what follows is not HTTP', () => {
  const { log, conn } = serve([
    Buffer.from('CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nGET / HTTP/1.1\r\n\r\n', 'latin1'),
  ]);
  assert.deepEqual(log, ['request CONNECT a:443 keepAlive=true', 'end', 'answered 0']);
  assert.equal(conn.closing, true);
});
