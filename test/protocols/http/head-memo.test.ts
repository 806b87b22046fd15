import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAD_MEMO_MAX_BYTES, HeadMemo } from '../../../src/protocols/http/codec/head-memo.js';
import {
  RequestParser,
  type RequestParserEvent,
} from '../../../src/protocols/http/codec/request-parser.js';
import { chunkings } from '../../../src/testing/index.js';

/** Every event `input` gives, fed in the pieces given, through one parser. */
function eventsOf(parser: RequestParser, pieces: readonly Buffer[]): RequestParserEvent[] {
  const events: RequestParserEvent[] = [];
  for (const piece of pieces) {
    parser.receiveData(piece);
    for (let event = parser.nextEvent(); event !== null; event = parser.nextEvent()) {
      events.push(event);
    }
  }
  return events;
}

/** Plain data for comparing events (headers as pairs, a body's pieces joined as text). */
function plain(events: readonly RequestParserEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const event of events) {
    if (event.type === 'data') {
      const last = out.at(-1) as { type: string; data: string } | undefined;
      if (last?.type === 'data') last.data += event.data.toString('latin1');
      else out.push({ type: 'data', data: event.data.toString('latin1') });
    } else if (event.type === 'request') out.push({ ...event, headers: event.headers.toArray() });
    else if (event.type === 'end') out.push({ type: 'end', trailers: event.trailers.toArray() });
    else out.push(event);
  }
  return out;
}

const GET = 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n';
const POST = 'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello';

/** The events of a fresh parser per message: what the memo must not change. */
function freshEvents(messages: readonly string[]): unknown[] {
  return messages.flatMap((m) => plain(eventsOf(new RequestParser(), [Buffer.from(m, 'latin1')])));
}

test('RequestParser gives the same events for a repeated head as a fresh parser does', () => {
  const messages = [GET, GET, POST, POST, GET, GET];
  const parser = new RequestParser();
  const events = messages.flatMap((m) => plain(eventsOf(parser, [Buffer.from(m, 'latin1')])));
  assert.deepEqual(events, freshEvents(messages));
});

test('RequestParser gives the same events for repeated heads fed whole, byte by byte and split anywhere', () => {
  const input = Buffer.from(GET + GET + POST + POST + GET, 'latin1');
  const expected = freshEvents([GET, GET, POST, POST, GET]);
  for (const { label, chunks } of chunkings(input)) {
    assert.deepEqual(plain(eventsOf(new RequestParser(), chunks)), expected, label);
  }
});

test('RequestParser decodes a head that differs from the last one by one byte afresh', () => {
  const other = GET.replace('/hello', '/hellp');
  const messages = [GET, other, GET, GET.replace('8080', '8081')];
  const parser = new RequestParser();
  const events = messages.flatMap((m) => plain(eventsOf(parser, [Buffer.from(m, 'latin1')])));
  assert.deepEqual(events, freshEvents(messages));
});

test('RequestParser still rejects a bad head that follows a remembered good one', () => {
  const parser = new RequestParser();
  eventsOf(parser, [Buffer.from(GET, 'latin1')]);
  const bad = eventsOf(parser, [Buffer.from('GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')]);
  assert.equal(bad.at(-1)?.type, 'error');
});

test('HeadMemo keeps its own copy: changing the input buffer later does not change a match', () => {
  const memo = new HeadMemo<string>();
  const input = Buffer.from(GET, 'latin1');
  memo.remember(input, input.length, 'outcome');
  input[0] = 0x50; // 'P'
  assert.equal(memo.match(input), -1);
  assert.equal(memo.match(Buffer.from(`${GET}rest`, 'latin1')), GET.length);
  assert.equal(memo.outcome, 'outcome');
});

test('HeadMemo matches only input that starts with the whole remembered head', () => {
  const memo = new HeadMemo<number>();
  assert.equal(memo.match(Buffer.from(GET)), -1, 'nothing remembered yet');
  memo.remember(Buffer.from(GET), GET.length, 1);
  assert.equal(memo.match(Buffer.from(GET.slice(0, -1))), -1, 'a prefix is not enough');
  assert.equal(memo.match(Buffer.from(`x${GET}`)), -1);
  assert.equal(memo.match(Buffer.from(GET)), GET.length);
});

test('HeadMemo does not keep a head longer than HEAD_MEMO_MAX_BYTES and forgets the one before', () => {
  const memo = new HeadMemo<number>();
  memo.remember(Buffer.from(GET), GET.length, 1);
  const long = Buffer.alloc(HEAD_MEMO_MAX_BYTES + 1, 0x61);
  memo.remember(long, long.length, 2);
  assert.equal(memo.match(long), -1);
  assert.equal(memo.match(Buffer.from(GET)), -1);
});
