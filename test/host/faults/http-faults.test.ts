/**
 * HTTP faults on purpose, seen by curl against `serve()`: another status without the handler,
 * a delay, a response dribbled a few bytes at a time, a reset once the head is out, a broken
 * chunk-size line, and a close without a response. Each is a capture event, and the next
 * request without the fault is answered as usual.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FaultBook, type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const P1 = 'the first page\n';
const BIG = `${'0123456789abcdef'.repeat(8)}\n`;

describe('HTTP faults', { skip: needs('curl').skip }, () => {
  let host: Host;
  let base: string;
  before(async () => {
    host = await serve({
      config: testConfig(
        SERVICE_TABLES.filter((s) => s !== 'http').map((s) => `${s}.enabled=false`),
      ),
      logger: memoryLogger().logger,
    });
    writeFileSync(join(host.config.http.root, 'p1.txt'), P1);
    writeFileSync(join(host.config.http.root, 'big.txt'), BIG);
    base = `http://127.0.0.1:${portOf(host, 'http')}`;
  });
  after(() => host.stop(1000));
  beforeEach(() => host.faults.clear());

  /** curl's exit status and output; `-w` adds the status code after the body. */
  function curl(...args: string[]) {
    return runClient('curl', ['-sS', '--max-time', '20', ...args]);
  }

  /** The fault events since `since`. */
  function faults(since: number) {
    return host.capture.list({ service: 'http', kind: 'fault', sinceId: since });
  }

  test('the documented rule: 503 with a short body, the handler not run; once, then 200', async () => {
    const since = host.capture.lastId;
    const rule = host.faults.add({
      ...JSON.parse('{"service":"http","match":{"path":"/p1.txt"},"action":{"status":503}}'),
      times: 1,
    });
    const failed = await curl('-w', '%{http_code}', `${base}/p1.txt`);
    assert.equal(failed.code, 0, failed.output);
    assert.equal(failed.stdout, '503 Service Unavailable\n503');
    const again = await curl('-w', '%{http_code}', `${base}/p1.txt`);
    assert.equal(again.stdout, `${P1}200`);
    const [event] = faults(since);
    assert.equal(event?.rule, rule.id);
    assert.equal(event?.method, 'GET');
    assert.equal(event?.path, '/p1.txt');
    assert.deepEqual(event?.action, { status: 503 });
    const requests = host.capture.list({ service: 'http', kind: 'request', sinceId: since });
    assert.deepEqual(
      requests.map((r) => r.status).sort(),
      [200, 503],
      'the faulted answer is in the access log',
    );
  });

  test('a status on one request keeps the connection for the next one', async () => {
    host.faults.add({ service: 'http', match: { path: '/p1.txt' }, action: { status: 500 } });
    const both = await curl(
      ...['-w', '%{http_code} %{num_connects}\n', '-o', '/dev/null', `${base}/p1.txt`],
      ...['-o', '/dev/null', `${base}/big.txt`],
    );
    assert.equal(both.code, 0, both.output);
    assert.equal(both.stdout, '500 1\n200 0\n', 'the second request reuses the connection');
  });

  test('delay: the response starts after it', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'http',
      match: { path: '/p1.txt' },
      action: { delay: 1200 },
      times: 1,
    });
    const slow = await curl('-w', '\n%{time_starttransfer}', `${base}/p1.txt`);
    assert.equal(slow.code, 0, slow.output);
    assert.equal(slow.stdout.slice(0, P1.length), P1);
    const started = slow.stdout.slice(P1.length + 1);
    assert.ok(Number(started) >= 1.2, `first byte after ${started} s`);
    assert.equal(faults(since).length, 1);
  });

  test(
    'a client that resets during a delay is not answered after it; others are served',
    needs('python3'),
    async () => {
      const since = host.capture.lastId;
      host.faults.add({ service: 'http', match: { path: '/big.txt' }, action: { delay: 1500 } });
      const port = portOf(host, 'http');
      // Sends its request, then resets the connection (SO_LINGER 0) while the delay runs.
      const reset = await runClient('python3', [
        '-c',
        `import socket, struct, time
s = socket.create_connection(('127.0.0.1', ${port}))
s.sendall(b'GET /big.txt HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
time.sleep(0.2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()`,
      ]);
      assert.equal(reset.code, 0, reset.output);
      assert.equal((await curl(`${base}/p1.txt`)).stdout, P1);
      // Past the delay: the request whose client reset was never answered.
      await new Promise((r) => setTimeout(r, 2000));
      const answered = host.capture.list({ service: 'http', kind: 'request', sinceId: since });
      assert.deepEqual(
        answered.map((e) => e.path),
        ['/p1.txt'],
      );
    },
  );

  test('dribble: the whole response arrives intact, a few bytes every few milliseconds', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'http',
      match: { path: '/big.txt' },
      action: { dribble: { bytes: 64, everyMs: 50 } },
      times: 1,
    });
    const slow = await curl('-i', '-w', '\n%{time_total}', `${base}/big.txt`);
    assert.equal(slow.code, 0, slow.output);
    const cut = slow.stdout.lastIndexOf('\n');
    const [response, total] = [slow.stdout.slice(0, cut), slow.stdout.slice(cut + 1)];
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(response.endsWith(`\r\n\r\n${BIG}`), response);
    // Head and body in 64-byte pieces, one every 50 ms after the first.
    const pieces = Math.ceil(Buffer.byteLength(response) / 64);
    assert.ok(Number(total) >= ((pieces - 1) * 50) / 1000, `${pieces} pieces in ${total} s`);
    assert.equal((await curl(`${base}/big.txt`)).stdout, BIG);
    assert.equal(faults(since).length, 1);
  });

  test('resetAfterHead: curl sees the head, then a recv failure (exit 56)', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'http',
      match: { path: '/big.txt' },
      action: { resetAfterHead: true },
      times: 1,
    });
    const reset = await curl('-i', `${base}/big.txt`);
    assert.equal(reset.code, 56, reset.output);
    assert.match(reset.stderr, /Recv failure: Connection reset by peer/);
    assert.doesNotMatch(reset.stdout, /0123456789/, 'no body byte');
    assert.equal((await curl(`${base}/big.txt`)).stdout, BIG);
    assert.equal(faults(since).length, 1);
  });

  test('malformedChunk: curl stops at the chunk-size line (exit 56)', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'http',
      match: { path: '/p1.txt' },
      action: { malformedChunk: true },
      times: 1,
    });
    const broken = await curl('-i', `${base}/p1.txt`);
    assert.equal(broken.code, 56, broken.output);
    assert.match(broken.stderr, /Illegal or missing hexadecimal sequence in chunked-encoding/);
    assert.match(broken.stdout, /^Transfer-Encoding: chunked\r$/im);
    assert.doesNotMatch(broken.stdout, /^Content-Length:/im);
    assert.equal((await curl(`${base}/p1.txt`)).stdout, P1);
    assert.equal(faults(since).length, 1);
  });

  test('disconnect: curl gets an empty reply (exit 52)', async () => {
    const since = host.capture.lastId;
    host.faults.add({
      service: 'http',
      match: { method: 'GET', path: '/p1.txt' },
      action: { disconnect: true },
      times: 1,
    });
    const empty = await curl(`${base}/p1.txt`);
    assert.equal(empty.code, 52, empty.output);
    assert.match(empty.stderr, /Empty reply from server/);
    assert.equal((await curl(`${base}/p1.txt`)).stdout, P1);
    assert.equal(faults(since).length, 1);
  });

  test("a 1xx status goes out as an interim response before the handler's", async () => {
    host.faults.add({ service: 'http', match: { path: '/p1.txt' }, action: { status: 103 } });
    const hinted = await curl('-i', `${base}/p1.txt`);
    assert.equal(hinted.code, 0, hinted.output);
    assert.match(hinted.stdout, /^HTTP\/1\.1 103 Early Hints\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.ok(hinted.stdout.endsWith(`\r\n\r\n${P1}`));
  });

  test('a probability with a seed fails the same requests as the same rule in a FaultBook', async () => {
    const rule = { service: 'http', action: { status: 502 }, probability: 0.4, seed: 7 };
    const book = new FaultBook(['http']);
    book.add(rule);
    const expected = Array.from({ length: 10 }, () =>
      book.pick('http', { peer: '127.0.0.1:1' }) === undefined ? '200' : '502',
    );
    assert.ok(expected.includes('200') && expected.includes('502'), expected.join());
    host.faults.add(rule);
    const seen: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      seen.push((await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/p1.txt`)).stdout);
    }
    assert.deepEqual(seen, expected);
  });

  test('after every fault, no connection of the service is left open', async () => {
    const open = () => host.snapshot().services.find((s) => s.name === 'http')?.connectionsNow;
    // The last client's close may still be on its way: wait for it, within a bound.
    for (let i = 0; i < 100 && open() !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(open(), 0);
  });
});
