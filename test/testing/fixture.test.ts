/**
 * `fixture()` against real clients: Python's smtplib and poplib, curl and dig talk to the
 * services it starts; what they did shows in its events and `messages()`; closing it frees the
 * ports and removes its data.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError, type Host, WaitTimeoutError } from '../../src/host/index.js';
import { fixture } from '../../src/testing/index.js';
import { runClient } from '../interop/run-client.js';
import { needs } from '../support/interop.js';

/** What an application's mail code does: STARTTLS, log in with any password, mail strangers. */
const SEND = `
import smtplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.starttls(context=ctx)
s.login('app@prod.example', 'not-checked')
s.sendmail('noreply@shop.example', ['ann@customer.example', 'bob@elsewhere.example'],
    b'Subject: Your order\\r\\nTo: ann@customer.example\\r\\n\\r\\nThank you.\\r\\n')
s.quit()
`;

const ZONE = `$ORIGIN lab.test.
$TTL 60
@    IN SOA ns admin 1 3600 600 86400 60
@    IN NS  ns
ns   IN A   127.0.0.1
api  IN A   192.0.2.7
`;

/** Whether a TCP listener can bind `port` on 127.0.0.1 now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The services a host runs, each once. */
function servicesOf(host: Host): string[] {
  return [...new Set(host.listeners.map((l) => l.service))].sort();
}

test(
  'fixture({ smtp }) catches what smtplib sends to any address, with any login',
  needs('python3'),
  async () => {
    await using net = await fixture({ smtp: {} });
    const run = await runClient('python3', ['-c', SEND, ...net.smtp.address.map(String)]);
    assert.equal(run.code, 0, run.output);
    const event = await net.waitFor((e) => e.service === 'smtp' && e.kind === 'message', {
      timeout: 5000,
    });
    assert.deepEqual(event.to, ['ann@customer.example', 'bob@elsewhere.example']);
    const [mail, ...more] = await net.messages();
    assert.deepEqual(more, []);
    assert.ok(mail !== undefined);
    assert.equal(mail.from, 'noreply@shop.example');
    assert.deepEqual(mail.to, ['ann@customer.example', 'bob@elsewhere.example']);
    assert.equal(mail.subject, 'Your order');
    const raw = (await mail.raw()).toString('latin1');
    assert.match(
      raw,
      new RegExp(`^Return-Path: <noreply@shop\\.example>\\r\\nReceived: [^]* id ${mail.id}\\b`),
    );
    assert.ok(raw.endsWith('\r\n\r\nThank you.\r\n'), raw);
    assert.equal(
      mail.size,
      Buffer.byteLength('Subject: Your order\r\nTo: ann@customer.example\r\n\r\nThank you.\r\n'),
    );
  },
);

test('fixture() starts only the services named, on 127.0.0.1: no admin listener, no POP3 beside SMTP', async () => {
  await using net = await fixture({ smtp: {}, dns: { zone: ZONE } });
  assert.deepEqual(servicesOf(net.host), ['dns', 'smtp']);
  assert.equal(net.smtp.host, '127.0.0.1');
  assert.deepEqual(net.smtp.address, ['127.0.0.1', net.smtp.port]);
  assert.notEqual(net.smtp.port, 0);
  assert.equal(net.host.config.smtp.acceptAll, true);
  assert.equal(net.host.config.smtp.acceptAnyAuth, true);
  assert.equal(net.host.config.log.level, 'silent');
});

test('closing a fixture (await using) frees its ports and removes its data directory', async () => {
  let ports: number[] = [];
  let dataDir = '';
  {
    await using net = await fixture({ smtp: {}, http: {}, admin: {} });
    assert.deepEqual(servicesOf(net.host), ['admin', 'http', 'smtp']);
    ports = [net.smtp.port, net.http.port, net.admin.port];
    dataDir = net.dataDir;
    assert.ok(existsSync(join(dataDir, 'mail')), 'the mail store is in the data directory');
    for (const port of ports) assert.equal(await canBind(port), false, `${port} is in use`);
  }
  for (const port of ports) assert.equal(await canBind(port), true, `${port} was freed`);
  assert.equal(existsSync(dataDir), false, `${dataDir} was removed`);
});

test('close() may be called twice, and after it the fixture has stopped', async () => {
  const net = await fixture({ http: {} });
  await Promise.all([net.close(), net.close()]);
  await net.close();
  assert.deepEqual(net.host.listeners, []);
  assert.equal(existsSync(net.dataDir), false);
});

test(
  'dig gets the answers of the zone given as text; the query is an event of the live feed',
  needs('dig'),
  async () => {
    await using net = await fixture({ dns: { zone: ZONE } });
    const feed = net.events[Symbol.asyncIterator]();
    const run = await runClient('dig', [
      '@127.0.0.1',
      '-p',
      String(net.dns.port),
      '+short',
      '+tries=1',
      'api.lab.test',
      'A',
    ]);
    assert.equal(run.code, 0, run.output);
    assert.equal(run.stdout.trim(), '192.0.2.7');
    // Recorded after the feed began, so the feed holds it: reading it cannot wait forever.
    const query = await net.waitFor((e) => e.kind === 'query');
    let next = await feed.next();
    while (!next.done && next.value.id !== query.id) next = await feed.next();
    assert.equal(next.value?.name, 'api.lab.test');
    assert.equal(next.value?.rcode, 'NOERROR');
    await feed.return?.();
  },
);

test(
  "a zone record maps origins to texts: { 'other.test': text } needs no $ORIGIN",
  needs('dig'),
  async () => {
    const text =
      '@ IN SOA ns admin 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.1\nwww IN A 192.0.2.9\n';
    await using net = await fixture({ dns: { zone: { 'other.test': text } } });
    const run = await runClient('dig', [
      '@127.0.0.1',
      '-p',
      String(net.dns.port),
      '+short',
      'www.other.test',
    ]);
    assert.equal(run.stdout.trim(), '192.0.2.9', run.output);
  },
);

test(
  'per-service options are its config keys: curl gets a file from http.root',
  needs('curl'),
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'polyport-fixture-root-'));
    try {
      writeFileSync(join(root, 'hello.txt'), 'hello from the root\n');
      await using net = await fixture({ http: { root } });
      const run = await runClient('curl', ['-sS', `http://127.0.0.1:${net.http.port}/hello.txt`]);
      assert.equal(run.stdout, 'hello from the root\n', run.output);
      const request = await net.waitFor((e) => e.service === 'http' && e.kind === 'request');
      assert.equal(request.path, '/hello.txt');
      assert.equal(request.status, 200);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);

test('a message POP3 has moved to cur/ is still read by raw()', needs('python3'), async () => {
  await using net = await fixture({ smtp: {}, pop3: {} });
  const sent = await runClient('python3', ['-c', SEND, ...net.smtp.address.map(String)]);
  assert.equal(sent.code, 0, sent.output);
  await net.waitFor((e) => e.service === 'smtp' && e.kind === 'message');
  // Logging in moves new/ to cur/; QUIT without DELE keeps every message.
  const read = await runClient('python3', [
    '-c',
    "import poplib, sys\np = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)\np.user('demo'); p.pass_('demo'); print(p.stat()[0]); p.quit()",
    String(net.pop3.port),
  ]);
  assert.equal(read.code, 0, read.output);
  assert.deepEqual(readdirSync(join(net.dataDir, 'mail', 'demo', 'new')), []);
  const [mail] = await net.messages();
  assert.match((await mail!.raw()).toString(), /\r\n\r\nThank you\.\r\n$/);
});

test('a fixture that cannot start leaves no data directory behind', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'polyport-fixture-tmp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = parent; // os.tmpdir() reads it at each call
  try {
    await assert.rejects(fixture({ smpt: {} }), ConfigError);
    await assert.rejects(fixture({ http: { rooot: '/tmp' } }), ConfigError);
    await assert.rejects(fixture({ dns: { zone: '@ IN A 127.0.0.1\n' } }), TypeError);
    assert.deepEqual(readdirSync(parent), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(parent, { recursive: true, force: true });
  }
});

test('waitFor() rejects with WaitTimeoutError when nothing matching happens', async () => {
  await using net = await fixture({ smtp: {} });
  await assert.rejects(
    net.waitFor((e) => e.kind === 'message', { timeout: 50 }),
    WaitTimeoutError,
  );
});

test("import 'polyport/testing' loads no host, logger or certificate library until fixture() is called", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polyport-imports-'));
  const file = join(dir, 'resolved.txt');
  const testing = new URL('../../src/testing/index.ts', import.meta.url).href;
  const recorder = fileURLToPath(new URL('../cli/record-imports.mjs', import.meta.url));
  try {
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        '--import',
        recorder,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(testing)});`,
      ],
      { env: { ...process.env, RECORD_IMPORTS_TO: file }, timeout: 60_000 },
    );
    const loaded = readFileSync(file, 'utf8').split('\n');
    assert.ok(
      loaded.some((url) => url.endsWith('/src/testing/fixture.ts')),
      'the recording holds the fixture',
    );
    for (const heavy of ['/src/host/', '/node_modules/pino/', '/node_modules/selfsigned/']) {
      assert.deepEqual(
        loaded.filter((url) => url.includes(heavy)),
        [],
        `nothing from ${heavy}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
