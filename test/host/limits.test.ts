import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serve } from '../../src/host/index.js';
import { createConnection, type Socket } from '../../src/socket/index.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';

/** Resolves with what the server sent before closing, or rejects after `seconds`. */
async function untilClosed(sock: Socket, seconds = 5): Promise<string> {
  sock.settimeout(seconds);
  let text = '';
  for (;;) {
    const data = await sock.recv(4096);
    if (data.length === 0) return text;
    text += data.toString();
  }
}

test('a service over maxConnections answers the protocol busy reply and closes', async () => {
  const { logger, records } = memoryLogger();
  const host = await serve({ config: testConfig(['finger.limits.maxConnections=1']), logger });
  try {
    const port = portOf(host, 'finger');
    const first = await createConnection(['127.0.0.1', port], 5);
    await new Promise((r) => setTimeout(r, 50));
    const second = await createConnection(['127.0.0.1', port], 5);
    assert.match(await untilClosed(second), /too many connections/);
    second.close();
    await first.sendall('demo\r\n');
    assert.match(await untilClosed(first), /Login: demo/);
    first.close();
    assert.ok(records.some((r) => r.msg === 'connection refused' && r.service === 'finger'));
    assert.match(await host.metrics(), /polyport_connections_refused_total\{service="finger"\} 1/);
  } finally {
    await host.stop(500);
  }
});

test('a service over maxConnectionsPerAddress refuses the extra connection from that address', async () => {
  const host = await serve({
    config: testConfig(['echo.limits.maxConnectionsPerAddress=2']),
    logger: memoryLogger().logger,
  });
  try {
    const port = portOf(host, 'echo');
    const open = [
      await createConnection(['127.0.0.1', port], 5),
      await createConnection(['127.0.0.1', port], 5),
    ];
    await new Promise((r) => setTimeout(r, 50));
    const extra = await createConnection(['127.0.0.1', port], 5);
    assert.equal(await untilClosed(extra), '');
    extra.close();
    await open[0]!.sendall('still served');
    assert.equal((await open[0]!.recv(100)).toString(), 'still served');
    for (const s of open) s.close();
  } finally {
    await host.stop(500);
  }
});

test('an idle connection is closed after idleTimeout', async () => {
  const host = await serve({
    config: testConfig(['echo.limits.idleTimeout=1']),
    logger: memoryLogger().logger,
  });
  try {
    const sock = await createConnection(['127.0.0.1', portOf(host, 'echo')], 5);
    const started = Date.now();
    assert.equal(await untilClosed(sock, 10), '');
    const waited = Date.now() - started;
    assert.ok(waited >= 700, `closed after ${waited} ms, not before the idle timeout`);
    sock.close();
  } finally {
    await host.stop(500);
  }
});

test('a slow client whose query stays incomplete is cut off after readTimeout (slowloris)', async () => {
  const host = await serve({
    config: testConfig(['finger.limits.readTimeout=1']),
    logger: memoryLogger().logger,
  });
  try {
    const sock = await createConnection(['127.0.0.1', portOf(host, 'finger')], 5);
    await sock.sendall('de');
    const started = Date.now();
    assert.equal(await untilClosed(sock, 10), '');
    assert.ok(Date.now() - started >= 700);
    sock.close();
  } finally {
    await host.stop(500);
  }
});

test('chargen does not buffer without bound for a client that never reads', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const sock = await createConnection(['127.0.0.1', portOf(host, 'chargen')], 5);
    const before = process.memoryUsage().rss;
    await new Promise((r) => setTimeout(r, 1000));
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 64 * 1024 * 1024, `rss grew by ${grown} bytes while the client did not read`);
    const data = await sock.recv(74);
    assert.equal(data.subarray(0, 3).toString(), '!"#');
    sock.close();
  } finally {
    await host.stop(500);
  }
});

test('SMTP and POP3 cut off a client that leaves a command half-sent past readTimeout', async () => {
  const host = await serve({
    config: testConfig(['smtp.limits.readTimeout=1', 'pop3.limits.readTimeout=1']),
    logger: memoryLogger().logger,
  });
  try {
    for (const service of ['smtp', 'pop3']) {
      const sock = await createConnection(['127.0.0.1', portOf(host, service)], 5);
      await sock.recv(1024); // the greeting
      await sock.sendall('NOO');
      const started = Date.now();
      await untilClosed(sock, 10);
      assert.ok(Date.now() - started >= 700, `${service} waited for the read timeout`);
      sock.close();
    }
  } finally {
    await host.stop(500);
  }
});

test('SMTP refuses a command line longer than the service maxRequestSize', async () => {
  const host = await serve({
    config: testConfig(['smtp.limits.maxRequestSize=600']),
    logger: memoryLogger().logger,
  });
  try {
    const sock = await createConnection(['127.0.0.1', portOf(host, 'smtp')], 5);
    await sock.recv(1024);
    await sock.sendall(`NOOP ${'x'.repeat(700)}\r\nNOOP\r\n`);
    let replies = '';
    while (!/\r\n250[^\r\n]*\r\n$/.test(replies)) replies += (await sock.recv(1024)).toString();
    assert.match(replies, /^500 /);
    sock.close();
  } finally {
    await host.stop(500);
  }
});

test('a flood of refused connections writes 20 refusal lines a second and one line counting the rest; every refusal is still counted', async () => {
  const { logger, records } = memoryLogger();
  const host = await serve({
    config: testConfig(['echo.limits.maxConnectionsPerAddress=1']),
    logger,
  });
  try {
    const port = portOf(host, 'echo');
    const kept = await createConnection(['127.0.0.1', port], 5);
    await new Promise((r) => setTimeout(r, 50));
    const FLOOD = 120;
    for (let i = 0; i < FLOOD; i++) {
      const extra = await createConnection(['127.0.0.1', port], 5);
      assert.equal(await untilClosed(extra), '', 'refused: closed without a byte');
      extra.close();
    }
    const refusalLines = () =>
      records.filter((r) => r.service === 'echo' && r.msg === 'connection refused');
    const summaries = () =>
      records.filter((r) => r.service === 'echo' && typeof r.suppressed === 'number');
    // The count of the last window comes when that window ends.
    for (let i = 0; i < 100; i++) {
      const told =
        refusalLines().length + summaries().reduce((n, r) => n + Number(r.suppressed), 0);
      if (told === FLOOD) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const told = refusalLines().length + summaries().reduce((n, r) => n + Number(r.suppressed), 0);
    assert.equal(told, FLOOD, 'each refusal is a line of its own or in a count');
    assert.ok(summaries().length >= 1, 'at least one count line');
    assert.ok(
      refusalLines().length <= 20 * (summaries().length + 1),
      `${refusalLines().length} refusal lines, at most 20 a window`,
    );
    assert.match(
      await host.metrics(),
      new RegExp(`polyport_connections_refused_total\\{service="echo"\\} ${FLOOD}\\b`),
    );
    await kept.sendall('still served');
    assert.equal((await kept.recv(100)).toString(), 'still served');
    kept.close();
  } finally {
    await host.stop(500);
  }
});
