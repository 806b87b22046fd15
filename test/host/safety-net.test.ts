import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { serve } from '../../src/host/index.js';
import { ServerChannel } from '../../src/server/server-channel.js';
import { createConnection, type Socket } from '../../src/socket/index.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';

const TSX = import.meta.resolve('tsx');
const CHILD = new URL('./fixtures/uncaught-child.ts', import.meta.url).pathname;

async function echoRoundTrip(port: number, text: string): Promise<string> {
  const sock = await createConnection(['127.0.0.1', port], 5);
  try {
    await sock.sendall(text);
    return (await sock.recv(100)).toString();
  } finally {
    sock.close();
  }
}

const uncaughtCount = (metrics: string): number =>
  Number(/^polyport_uncaught_errors_total (\d+)$/m.exec(metrics)?.[1]);

test('a throw in a connection timer closes only that connection, is logged with service and peer, and counted', async () => {
  const { logger, records } = memoryLogger();
  const host = await serve({ config: testConfig(), logger });
  let victim: Socket | null = null;
  let bystander: Socket | null = null;
  try {
    const echo = portOf(host, 'echo');
    assert.equal(uncaughtCount(await host.metrics()), 0);
    victim = await createConnection(['127.0.0.1', echo], 5);
    bystander = await createConnection(['127.0.0.1', echo], 5);
    await victim.sendall('a');
    assert.equal((await victim.recv(10)).toString(), 'a');
    const [, victimPort] = victim.getsockname() as [string, number];
    const channel = [...host.map.values()].find(
      (c): c is ServerChannel =>
        c instanceof ServerChannel && Array.isArray(c.addr) && c.addr[1] === victimPort,
    );
    assert.ok(channel, "the victim's server channel is in the host's map");
    // A bug in a timer of this connection: before the guard, an uncaught exception.
    channel.clock.setTimer(0, () => {
      throw new Error('injected timer bug');
    });
    victim.settimeout(5);
    assert.equal((await victim.recv(10)).length, 0, 'the victim connection is closed');
    // The other connection on the same service, and other services, go on.
    await bystander.sendall('still here');
    assert.equal((await bystander.recv(100)).toString(), 'still here');
    assert.equal(await echoRoundTrip(echo, 'new'), 'new');
    const finger = await createConnection(['127.0.0.1', portOf(host, 'finger')], 5);
    await finger.sendall('\r\n');
    finger.settimeout(5);
    assert.ok((await finger.recv(1000)).length > 0, 'finger answers');
    finger.close();
    assert.equal(uncaughtCount(await host.metrics()), 1);
    const logged = records.find(
      (r) => r.msg === 'uncaught error: the connection was closed, the others go on',
    );
    assert.ok(logged, 'the error is logged');
    assert.equal(logged.service, 'echo');
    assert.equal(logged.peer, `127.0.0.1:${victimPort}`);
    assert.equal((logged.err as { message: string }).message, 'injected timer bug');
  } finally {
    victim?.close();
    bystander?.close();
    await host.stop(1000);
  }
});

test('serve() logs and counts an exception no connection caught, and keeps serving', async () => {
  const child = spawn(process.execPath, ['--import', TSX, CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`the child ended; stderr: ${stderr}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  try {
    const { echo } = (await next()) as { echo: number };
    assert.equal(await echoRoundTrip(echo, 'before'), 'before');
    child.stdin.write('throw\n');
    assert.deepEqual(await next(), { thrown: true });
    assert.equal(await echoRoundTrip(echo, 'after'), 'after', 'the host still serves');
    child.stdin.write('metrics\n');
    const report = (await next()) as {
      uncaught: number;
      logged: Array<{ kind: string; message: string }>;
    };
    assert.equal(report.uncaught, 2);
    assert.deepEqual(report.logged.map((l) => `${l.kind}: ${l.message}`).sort(), [
      'uncaughtException: injected timer throw',
      'unhandledRejection: injected rejection',
    ]);
    child.stdin.write('stop\n');
    assert.deepEqual(await next(), { stopped: true });
    child.stdin.end();
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
  } finally {
    clearTimeout(killer);
    child.kill();
  }
});
