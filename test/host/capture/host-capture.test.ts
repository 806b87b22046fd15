/**
 * Capture through `serve()` with real clients: dig's queries, curl's requests and a mail from
 * Python's smtplib become events that `host.waitFor()` finds and `host.events()` streams.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const run = promisify(execFile);

describe('capture in serve()', () => {
  let host: Host;
  let records: Record<string, unknown>[];
  before(async () => {
    const on = ['dns', 'http', 'smtp', 'pop3', 'admin'];
    const config = testConfig([
      ...SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
      'smtp.acceptAll=true',
      'capture.events=50',
    ]);
    const memory = memoryLogger();
    records = memory.records;
    host = await serve({ config, logger: memory.logger });
  });
  after(() => host.stop(1000));

  test('a dig query is an event with its name, type and rcode', needs('dig'), async () => {
    const port = portOf(host, 'dns', 'udp');
    const dig = await runClient('dig', ['@127.0.0.1', '-p', String(port), 'nowhere.invalid', 'MX']);
    assert.equal(dig.code, 0, dig.output);
    const event = await host.waitFor((e) => e.service === 'dns' && e.name === 'nowhere.invalid');
    assert.equal(event.kind, 'query');
    assert.equal(event.type, 'MX');
    assert.match(String(event.rcode), /^(NXDOMAIN|REFUSED|SERVFAIL)$/);
    assert.match(event.peer, /^127\.0\.0\.1:\d+$/);
  });

  test(
    'curl requests are events with method, path and status, after their session opened',
    needs('curl'),
    async () => {
      const since = host.capture.lastId;
      const url = `http://127.0.0.1:${portOf(host, 'http')}`;
      const curl = await runClient('curl', ['-s', '-o', '/dev/null', `${url}/no-such-page`]);
      assert.equal(curl.code, 0, curl.output);
      const request = await host.waitFor((e) => e.service === 'http' && e.kind === 'request', {
        sinceId: since,
      });
      assert.equal(request.method, 'GET');
      assert.equal(request.path, '/no-such-page');
      assert.equal(request.status, 404);
      const opened = host.capture.list({ service: 'http', kind: 'open', sinceId: since });
      assert.equal(opened.length, 1);
      assert.equal(opened[0]!.peer, request.peer);
      assert.ok(opened[0]!.id < request.id);
    },
  );

  test(
    'a mail smtplib sends to anyone@anywhere.example streams as a message event',
    needs('python3'),
    async () => {
      const feed = host.events();
      const port = portOf(host, 'smtp');
      await run('python3', [
        '-c',
        `import smtplib; s = smtplib.SMTP('127.0.0.1', ${port}, timeout=10); s.sendmail('app@client.test', ['anyone@anywhere.example'], b'Subject: captured\\r\\n\\r\\nHello.\\r\\n'); s.quit()`,
      ]);
      const kinds: string[] = [];
      for await (const event of feed) {
        if (event.service !== 'smtp') continue;
        kinds.push(event.kind);
        if (event.kind === 'message') {
          assert.deepEqual(event.to, ['anyone@anywhere.example']);
          assert.equal(event.from, 'app@client.test');
          break;
        }
      }
      assert.equal(kinds[0], 'open');
    },
  );

  test(
    "the admin listener's requests are captured but not logged (an open UI polls it)",
    needs('curl'),
    async () => {
      const since = host.capture.lastId;
      const site = await runClient('curl', [
        '-s',
        '-o',
        '/dev/null',
        `http://127.0.0.1:${portOf(host, 'http')}/`,
      ]);
      const admin = await runClient('curl', [
        '-s',
        `http://127.0.0.1:${portOf(host, 'admin')}/healthz`,
      ]);
      assert.equal(admin.stdout, 'ok\n', admin.output);
      assert.equal(site.code, 0, site.output);
      await host.waitFor((e) => e.service === 'admin' && e.path === '/healthz', { sinceId: since });
      await host.waitFor((e) => e.service === 'http' && e.kind === 'request', { sinceId: since });
      const logged = (service: string) =>
        records.filter((r) => r.service === service && r.msg === 'request').length;
      assert.ok(logged('http') >= 1, "the site's access log goes on");
      assert.equal(logged('admin'), 0);
    },
  );

  test('the rings stay within capture.events per service', needs('dig'), async () => {
    const port = String(portOf(host, 'dns', 'udp'));
    for (let i = 0; i < 3; i++) {
      const names = Array.from({ length: 25 }, (_, j) => `n${i}-${j}.invalid`);
      const dig = await runClient('dig', ['@127.0.0.1', '-p', port, '+tries=1', ...names]);
      assert.equal(dig.code, 0, dig.output);
    }
    await host.waitFor((e) => e.name === 'n2-24.invalid');
    assert.equal(host.capture.list({ service: 'dns' }).length, 50);
  });
});
