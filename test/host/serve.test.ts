import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostStartError, serve, VERSION } from '../../src/host/index.js';
import { acceleratorStatus, createConnection, createServer } from '../../src/socket/index.js';
import { nodeMajor } from '../../src/socket/node/node-majors.js';
import { slabReads } from '../../src/socket/node/slab-reads.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';

async function readAll(port: number): Promise<Buffer> {
  const sock = await createConnection(['127.0.0.1', port], 5);
  const chunks: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(4096);
    if (data.length === 0) break;
    chunks.push(data);
  }
  sock.close();
  return Buffer.concat(chunks);
}

test('serve() starts every available service on loopback and each answers', async () => {
  const { logger } = memoryLogger();
  const host = await serve({ config: testConfig(), logger });
  try {
    const services = new Set(host.listeners.map((l) => l.service));
    for (const name of ['echo', 'discard', 'daytime', 'chargen', 'time', 'qotd', 'finger']) {
      assert.ok(services.has(name), `${name} is listening`);
    }
    for (const listener of host.listeners) assert.equal(listener.address, '127.0.0.1');
    assert.match(
      (await readAll(portOf(host, 'daytime'))).toString(),
      /\d{4} \d\d:\d\d:\d\d-UTC\r\n$/,
    );
    assert.equal((await readAll(portOf(host, 'time'))).length, 4);
    assert.match((await readAll(portOf(host, 'qotd'))).toString(), /\r\n$/);
    const echo = await createConnection(['127.0.0.1', portOf(host, 'echo')], 5);
    await echo.sendall('ping');
    assert.equal((await echo.recv(10)).toString(), 'ping');
    echo.close();
  } finally {
    await host.stop(1000);
  }
});

test('serve() makes the data directory from the samples once and never overwrites it', async () => {
  const dataDir = tempDir();
  const { logger } = memoryLogger();
  let host = await serve({ config: testConfig([], dataDir), logger });
  await host.stop(500);
  const index = join(dataDir, 'www', 'index.html');
  assert.ok(existsSync(index), 'the sample website was copied');
  assert.ok(existsSync(join(dataDir, 'ftp', 'README.txt')), 'the sample FTP tree was copied');
  writeFileSync(index, 'mine');
  host = await serve({ config: testConfig([], dataDir), logger });
  await host.stop(500);
  assert.equal(readFileSync(index, 'utf8'), 'mine');
});

test('serve() names the service and the port when a port is already in use', async () => {
  const blocker = await createServer(['127.0.0.1', 0]);
  const [, port] = blocker.getsockname() as [string, number];
  try {
    await assert.rejects(
      serve({
        config: testConfig([`daytime.port=${port}`, 'daytime.udp=false']),
        logger: memoryLogger().logger,
      }),
      (err: unknown) => {
        assert.ok(err instanceof HostStartError);
        assert.match(
          err.message,
          new RegExp(
            `^daytime: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`,
          ),
        );
        return true;
      },
    );
  } finally {
    blocker.close();
  }
});

test('serve() refuses sample credentials on a listener that is not loopback', async () => {
  await assert.rejects(
    serve({ config: testConfig(['pop3.address=0.0.0.0']), logger: memoryLogger().logger }),
    (err: unknown) => err instanceof HostStartError && /pop3/.test(err.message),
  );
});

test('Host.stop() closes the listeners and the connections still open after the grace period', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  const port = portOf(host, 'echo');
  const idle = await createConnection(['127.0.0.1', port], 5);
  const started = Date.now();
  await host.stop(200);
  assert.ok(Date.now() - started < 5000);
  assert.equal((await idle.recv(10)).length, 0, 'the idle connection was closed');
  idle.close();
  const refused = await createConnection(['127.0.0.1', port], 2).then(
    (s) => {
      s.close();
      return false;
    },
    () => true,
  );
  assert.ok(refused, 'nothing listens after stop');
});

test('Host status page and metrics count connections per service', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    await readAll(portOf(host, 'daytime'));
    await readAll(portOf(host, 'daytime'));
    // The connection-closed report runs in the server's loop after the client sees EOF.
    await new Promise((r) => setTimeout(r, 100));
    const metrics = await host.metrics();
    assert.match(metrics, /polyport_connections_total\{service="daytime"\} 2/);
    assert.match(metrics, /# TYPE polyport_sent_bytes_total counter/);
    const html = host.statusHtml();
    assert.match(html, /<td>daytime<\/td>/);
    assert.match(html, /Up \d/);
  } finally {
    await host.stop(500);
  }
});

test('serve() logs one JSON line per connection with the service name', async () => {
  const { logger, records } = memoryLogger();
  const host = await serve({ config: testConfig(), logger });
  try {
    await readAll(portOf(host, 'daytime'));
    await new Promise((r) => setTimeout(r, 100));
    const closed = records.find((r) => r.msg === 'connection closed' && r.service === 'daytime');
    assert.ok(closed, 'a connection-closed line for daytime');
    assert.equal(typeof closed.peer, 'string');
    assert.equal(typeof closed.out, 'number');
  } finally {
    await host.stop(500);
  }
});

test('serve() answers DNS for the sample zone, and for zone files named in dns.zones', async () => {
  const { Resolver } = await import('../../src/protocols/dns/index.js');
  const dir = tempDir();
  const zoneFile = join(dir, 'lab.test.zone');
  writeFileSync(
    zoneFile,
    '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 127.0.0.1\nwww A 127.0.0.9\n',
  );
  let host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const resolver = new Resolver({
      server: ['127.0.0.1', portOf(host, 'dns', 'udp')],
      timeout: 5,
    });
    assert.deepEqual(await resolver.resolve4('www.example.test'), ['127.0.0.1']);
  } finally {
    await host.stop(500);
  }
  host = await serve({
    config: testConfig([`dns.zones=${zoneFile}`]),
    logger: memoryLogger().logger,
  });
  try {
    const resolver = new Resolver({
      server: ['127.0.0.1', portOf(host, 'dns', 'udp')],
      timeout: 5,
    });
    assert.deepEqual(await resolver.resolve4('www.lab.test'), ['127.0.0.9']);
  } finally {
    await host.stop(500);
  }
});

test('serve() delivers mail sent by SMTP to the demo mailbox, where POP3 reads it back', async () => {
  const { Pop3Client, SmtpClient } = await import('../../src/protocols/mail/index.js');
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const message =
      'From: a@b.test\r\nTo: demo@example.test\r\nSubject: lab\r\n\r\nline one\r\n.dotted\r\n';
    const smtp = await SmtpClient.connect('127.0.0.1', portOf(host, 'smtp'), { timeout: 5 });
    await smtp.ehlo();
    const sent = await smtp.sendMail('a@b.test', ['demo@example.test'], message);
    assert.deepEqual(sent.accepted, ['demo@example.test']);
    await smtp.quit();
    const pop3 = await Pop3Client.connect('127.0.0.1', portOf(host, 'pop3'), { timeout: 5 });
    await pop3.login('demo', 'demo');
    const listing = await pop3.list();
    const last = listing[listing.length - 1]!;
    const chunks: Buffer[] = [];
    for await (const chunk of await pop3.retr(last.number)) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    assert.match(text, /^Return-Path: <a@b\.test>\r\nReceived: from /);
    assert.ok(
      text.endsWith(message),
      'the message comes back byte for byte after the Return-Path: and Received: headers',
    );
    await pop3.quit();
  } finally {
    await host.stop(500);
  }
});

test('serve() with HTTPS alone (HTTP off) serves the sample site, not a missing-root error', async () => {
  const { request } = await import('../../src/protocols/http/index.js');
  const host = await serve({
    config: testConfig(['http.enabled=false']),
    logger: memoryLogger().logger,
  });
  try {
    const page = await request({
      url: `https://127.0.0.1:${portOf(host, 'https')}/about.html`,
      insecure: true,
    });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /About/);
  } finally {
    await host.stop(500);
  }
});

test('serve() serves the sample site over HTTP and HTTPS, and status and metrics on the admin port', async () => {
  const { request } = await import('../../src/protocols/http/index.js');
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const page = await request(`http://127.0.0.1:${portOf(host, 'http')}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /It works: polyport is serving HTTP/);
    const secure = await request({
      url: `https://127.0.0.1:${portOf(host, 'https')}/about.html`,
      insecure: true,
    });
    assert.equal(secure.status, 200);
    assert.match(await secure.text(), /About/);
    const admin = portOf(host, 'admin');
    const status = await request(`http://127.0.0.1:${admin}/status`);
    assert.equal(status.status, 200);
    // '/' is the web UI; other paths are not sent round a redirect loop (when '/' redirected,
    // '/robots.txt' went to '/statusrobots.txt', then '/statusstatusrobots.txt', …).
    const home = await request(`http://127.0.0.1:${admin}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<script type="module" src="\/ui\/app\.js">/);
    const robots = await request(`http://127.0.0.1:${admin}/robots.txt`);
    assert.equal(robots.status, 404);
    await robots.text();
    assert.match(await status.text(), /<td>http<\/td>/);
    const metrics = await request(`http://127.0.0.1:${admin}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assert.match(text, /polyport_requests_total\{service="http"\} [1-9]/);
    assert.ok(
      text.includes(`polyport_build_info{version="${VERSION}",node="${process.version}"} 1\n`),
      text,
    );
    // One line per accelerator, 1 exactly when it runs (this process decides for the host).
    for (const { name, active } of acceleratorStatus()) {
      assert.ok(text.includes(`polyport_accelerator_active{name="${name}"} ${active ? 1 : 0}\n`));
    }
    assert.equal(text.match(/^polyport_accelerator_active\{/gm)?.length, 2);
    // Switched off by CI's public pass and on majors without a gain, on otherwise (self-tested
    // before the host listened).
    const onHere = slabReads.majors?.includes(nodeMajor()) ?? true;
    const reads = process.env.POLYPORT_PUBLIC_READS === '1' || !onHere ? 0 : 1;
    assert.ok(text.includes(`polyport_accelerator_active{name="slab_reads"} ${reads}\n`));
  } finally {
    await host.stop(500);
  }
});

test('serve() refuses an admin listener that is not on loopback, even with real users', async () => {
  const { effectiveConfig, hashPassword } = await import('../../src/host/index.js');
  const base = testConfig();
  const config = effectiveConfig(
    { users: [{ name: 'alice', password: await hashPassword('secret') }] },
    {
      sets: [
        `dataDir=${base.dataDir}`,
        ...SERVICE_TABLES.map((s) => `${s}.port=0`),
        'admin.address=0.0.0.0',
      ],
    },
  );
  await assert.rejects(
    serve({ config, logger: memoryLogger().logger }),
    (err: unknown) => err instanceof HostStartError && /^admin: .*loopback only/.test(err.message),
  );
});

test('serve() serves the sample FTP tree to demo, with uploads landing in the data directory', async () => {
  const { FtpClient } = await import('../../src/protocols/ftp/index.js');
  const dataDir = tempDir();
  const host = await serve({ config: testConfig([], dataDir), logger: memoryLogger().logger });
  try {
    const client = await FtpClient.connect('127.0.0.1', portOf(host, 'ftp'), { timeout: 5 });
    await client.login('demo', 'demo');
    const names = (await client.list('/pub')).map((entry) => entry.name).sort();
    assert.deepEqual(names, ['64k.txt', 'hello.txt']);
    await client.putStream('/upload/note.txt', [Buffer.from('uploaded\n')]);
    await client.quit();
    assert.equal(readFileSync(join(dataDir, 'ftp', 'upload', 'note.txt'), 'utf8'), 'uploaded\n');
  } finally {
    await host.stop(500);
  }
});
