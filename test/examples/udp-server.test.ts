import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AF_INET, SOCK_DGRAM, socket } from '../../src/socket/index.js';
import { runExample, SOCKET_TIMEOUT, SUITE_MS, startExample } from './run-example.js';

describe('examples/udp-server.ts and examples/udp-client.ts', { timeout: SUITE_MS }, () => {
  test('the client sends each line of standard input and prints each reply', async (t) => {
    const server = startExample('udp-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const run = await runExample('udp-client', [String(port), '127.0.0.1', '30'], {
      input: 'first line\nsecond, ünïcode\nthird\n',
    });
    assert.equal(run.code, 0, run.stderr);
    const addr = `127.0.0.1:${port}`;
    assert.equal(
      run.stdout,
      `${addr} replied: FIRST LINE\n${addr} replied: SECOND, ÜNÏCODE\n${addr} replied: THIRD\n`,
    );
    await server.waitFor(/5 bytes from 127\.0\.0\.1:\d+\n$/);
    assert.match(server.stdout, /10 bytes from/);
    assert.match(server.stdout, /17 bytes from/);
  });

  test('the server answers each datagram to the address it came from', async (t) => {
    const server = startExample('udp-server', ['0']);
    t.after(() => server.kill());
    const port = await server.port();
    const a = socket(AF_INET, SOCK_DGRAM);
    const b = socket(AF_INET, SOCK_DGRAM);
    t.after(() => {
      a.close();
      b.close();
    });
    a.settimeout(SOCKET_TIMEOUT);
    b.settimeout(SOCKET_TIMEOUT);
    await a.sendto('from a', ['127.0.0.1', port]);
    await b.sendto('from b', ['127.0.0.1', port]);
    const [replyB, fromB] = await b.recvfrom(100);
    const [replyA, fromA] = await a.recvfrom(100);
    assert.equal(replyA.toString(), 'FROM A');
    assert.equal(replyB.toString(), 'FROM B');
    assert.deepEqual(fromA, ['127.0.0.1', port]);
    assert.deepEqual(fromB, ['127.0.0.1', port]);
  });

  test('the client reports a reply that never comes and goes on with the next line', async (t) => {
    // A bound socket that never answers: every datagram to it is "lost".
    const silent = socket(AF_INET, SOCK_DGRAM);
    t.after(() => silent.close());
    await silent.bind(['127.0.0.1', 0]);
    const [, port] = silent.getsockname() as [string, number];
    const run = await runExample('udp-client', [String(port), '127.0.0.1', '0.5'], {
      input: 'one\ntwo\n',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'no reply within 0.5 seconds\n'.repeat(2));
    silent.setblocking(false);
    assert.equal((await silent.recvfrom(100))[0].toString(), 'one');
    assert.equal((await silent.recvfrom(100))[0].toString(), 'two');
  });

  test('the client ends at once on empty input', async () => {
    const run = await runExample('udp-client', ['9'], { input: '' });
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, '', '']);
  });

  test('SIGINT stops the server with status 0', async (t) => {
    const server = startExample('udp-server', ['0']);
    t.after(() => server.kill());
    await server.port();
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null });
    assert.match(server.stdout, /server stopped\n$/);
  });
});
