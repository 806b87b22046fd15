import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { constants } from 'node:os';
import { test } from 'node:test';
import { portState, scanPorts } from '../../src/cli/port-scanner.js';
import { AF_INET } from '../../src/socket/index.js';

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((conn) => {
      conn.on('error', () => {});
      conn.destroy();
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('portState() tells open, closed, filtered and our own failures apart', () => {
  const E = constants.errno;
  assert.equal(portState(0), 'open');
  assert.equal(portState(E.ECONNREFUSED), 'closed');
  assert.equal(portState(E.ETIMEDOUT), 'filtered');
  assert.equal(portState(E.EHOSTUNREACH), 'filtered');
  assert.equal(portState(E.EMFILE), 'error');
});

test('scanPorts() returns one result per port, in the order given, whatever finishes first', async (t) => {
  const open = await listen();
  const closing = await listen();
  const openPort = (open.address() as { port: number }).port;
  const closedPort = (closing.address() as { port: number }).port;
  await new Promise((resolve) => closing.close(resolve));
  t.after(() => open.close());
  const seen: number[] = [];
  const results = await scanPorts('127.0.0.1', [closedPort, openPort], {
    family: AF_INET,
    concurrency: 2,
    timeout: 2,
    onResult: (r) => seen.push(r.port),
  });
  assert.deepEqual(
    results.map((r) => [r.port, r.state]),
    [
      [closedPort, 'closed'],
      [openPort, 'open'],
    ],
  );
  assert.deepEqual([...seen].sort(), [closedPort, openPort].sort());
});

test('scanPorts() starts no new attempt once its signal is aborted', async () => {
  const stop = new AbortController();
  const results = await scanPorts('127.0.0.1', [1, 2, 3, 4, 5, 6], {
    family: AF_INET,
    concurrency: 1,
    onResult: () => stop.abort(),
    signal: stop.signal,
  });
  assert.equal(results.length, 1);
});

test('scanPorts() refuses a concurrency below 1 or a timeout that is not positive', async () => {
  await assert.rejects(
    scanPorts('127.0.0.1', [1], { family: AF_INET, concurrency: 0 }),
    RangeError,
  );
  await assert.rejects(scanPorts('127.0.0.1', [1], { family: AF_INET, timeout: 0 }), RangeError);
  assert.deepEqual(await scanPorts('127.0.0.1', [], { family: AF_INET }), []);
});
