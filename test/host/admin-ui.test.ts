/**
 * The admin web UI in real headless Chromium against `serve()`: a mail sent with Python's
 * smtplib appears in the open page without a reload and reads as its text, a dig query shows in
 * the DNS log and a curl request in the HTTP log; the page asks nothing of any origin but the
 * admin listener's and logs no console error. curl checks the headers the UI's files carry.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Host, serve } from '../../src/host/index.js';
import { runClient } from '../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../support/host.js';
import { needs, which } from '../support/interop.js';

const run = promisify(execFile);

/** How long a locator waits for the page to show something the stream brings. */
const SHOWN = { timeout: 15_000 };

/** Sends one plain-text mail to a recipient in a foreign domain (the catcher takes it). */
const SEND = `
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m['From'] = 'sender@client.test'
m['To'] = 'anyone@anywhere.example'
m['Subject'] = sys.argv[2]
m.set_content(sys.argv[3])
with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10) as s:
    s.send_message(m)
`;

/** Debian's Chromium, headless; CI runs as root, where Chromium's own sandbox cannot start. */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: which('chromium') ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A host with the admin listener and HTTP only; `sets` after. */
function adminAndHttp(sets: readonly string[] = []): Promise<Host> {
  const on = ['admin', 'http'];
  const config = testConfig([
    ...SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
    ...sets,
  ]);
  return serve({ config, logger: memoryLogger().logger });
}

/** curl GETs a path of a host's site and says its status. */
async function curlSite(host: Host, path: string): Promise<string> {
  const url = `http://127.0.0.1:${portOf(host, 'http')}${path}`;
  const curl = await runClient('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url]);
  assert.equal(curl.code, 0, curl.output);
  return curl.stdout;
}

describe(
  'the admin web UI in headless Chromium',
  needs('chromium', 'python3', 'dig', 'curl'),
  () => {
    let host: Host;
    let browser: Browser;
    let page: Page;
    let origin: string;
    const requested: string[] = [];
    const consoleErrors: string[] = [];

    before(async () => {
      const on = ['admin', 'dns', 'http', 'smtp'];
      const config = testConfig([
        ...SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
        'smtp.acceptAll=true',
      ]);
      host = await serve({ config, logger: memoryLogger().logger });
      origin = `http://127.0.0.1:${portOf(host, 'admin')}`;
      browser = await launch();
      page = await browser.newPage();
      page.on('request', (request) => requested.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      await page.goto(`${origin}/`);
      // The stream is open: whatever happens from now on reaches the page.
      await page.locator('#live[data-state="live"]').waitFor(SHOWN);
      // A mark that a reload would wipe: the page must show new things without one.
      await page.evaluate(() => {
        (globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true;
      });
    });

    after(async () => {
      await browser?.close();
      await host?.stop(1000);
    });

    const stillTheSamePage = async (): Promise<boolean> =>
      page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce === true);

    test('a mail sent with smtplib appears in the timeline and the mailbox without a reload, and opens as its text', async () => {
      await page.click('#tab-mail');
      await page.locator('#view-mail').waitFor(SHOWN);
      const subject = `Hello from smtplib ${process.pid}`;
      const body = 'The body of the test mail, as text.';
      await run('python3', ['-c', SEND, String(portOf(host, 'smtp')), subject, body], {
        timeout: 30_000,
      });
      const item = page.locator('#mail-list .mail-item', { hasText: subject });
      await item.waitFor(SHOWN);
      assert.match((await item.textContent()) ?? '', /sender@client\.test/);
      assert.match((await item.textContent()) ?? '', /anyone@anywhere\.example/);
      await item.click();
      await page.locator('#mail-detail .mail-title', { hasText: subject }).waitFor(SHOWN);
      await page.locator('#mail-detail pre.mail-text', { hasText: body }).waitFor(SHOWN);
      await page.click('#tab-timeline');
      const row = page.locator('#timeline-table tbody tr[data-kind="message"]', {
        hasText: 'sender@client.test',
      });
      await row.waitFor(SHOWN);
      assert.match((await row.textContent()) ?? '', /anyone@anywhere\.example/);
      assert.ok(await stillTheSamePage(), 'the page was not reloaded');
    });

    test('a dig query shows in the DNS log with its name, type and rcode', async () => {
      await page.click('#tab-dns');
      const port = portOf(host, 'dns', 'udp');
      const dig = await runClient('dig', [
        '@127.0.0.1',
        '-p',
        String(port),
        'www.example.test',
        'A',
      ]);
      assert.equal(dig.code, 0, dig.output);
      const status = /status: (\w+)/.exec(dig.stdout)?.[1];
      assert.ok(status !== undefined, dig.output);
      const row = page.locator('#dns-table tbody tr', { hasText: 'www.example.test' });
      await row.waitFor(SHOWN);
      const cells = await row.locator('td').allInnerTexts();
      assert.ok(cells.includes('A'), cells.join(' | '));
      assert.ok(cells.includes(status), `${status} in ${cells.join(' | ')}`);
      assert.ok(await stillTheSamePage(), 'the page was not reloaded');
    });

    test('a curl request shows in the HTTP log with its method, path and status', async () => {
      await page.click('#tab-http');
      const url = `http://127.0.0.1:${portOf(host, 'http')}/no-such-page-${process.pid}`;
      const curl = await runClient('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url]);
      assert.equal(curl.code, 0, curl.output);
      assert.equal(curl.stdout, '404');
      const row = page.locator('#http-table tbody tr', { hasText: `/no-such-page-${process.pid}` });
      await row.waitFor(SHOWN);
      const cells = await row.locator('td').allInnerTexts();
      assert.ok(cells.includes('GET'), cells.join(' | '));
      assert.ok(cells.includes('404'), cells.join(' | '));
      assert.ok(await stillTheSamePage(), 'the page was not reloaded');
    });

    test('the services page shows where DNS listens and the dig line to ask it', async () => {
      await page.click('#tab-services');
      const dns = page.locator('#service-cards .card[data-service="dns"]');
      const line = `dig @127.0.0.1 -p ${portOf(host, 'dns', 'udp')} example.test`;
      await dns.locator('code', { hasText: line }).waitFor(SHOWN);
      // Rates come from two samples of /status.json: shown once the second one is in.
      await dns.locator('.stat-value', { hasText: 'req/s' }).waitFor(SHOWN);
      const http = page.locator('#service-cards .card[data-service="http"]');
      const site = `http://127.0.0.1:${portOf(host, 'http')}/`;
      assert.equal(await http.locator(`a[href="${site}"]`).count(), 1);
    });

    test('the page asked nothing outside the admin origin and logged no console error', () => {
      assert.ok(requested.length > 0);
      const outside = requested.filter((url) => new URL(url).origin !== origin);
      assert.deepEqual(outside, []);
      assert.deepEqual(consoleErrors, []);
    });

    test('the UI is served at / with no-cache, a strict policy and nosniff', async () => {
      for (const [path, type] of [
        ['/', /^text\/html/],
        ['/ui/app.js', /^text\/javascript/],
        ['/ui/style.css', /^text\/css/],
      ] as const) {
        const curl = await runClient('curl', [
          '-s',
          '-D',
          '-',
          '-o',
          '/dev/null',
          `${origin}${path}`,
        ]);
        assert.equal(curl.code, 0, curl.output);
        const head = curl.stdout.toLowerCase();
        assert.match(head, /^http\/1\.1 200/, `${path}: ${curl.stdout}`);
        assert.match(/content-type: (.*)\r\n/.exec(head)?.[1] ?? '', type);
        assert.match(head, /\r\ncache-control: no-cache\r\n/);
        assert.match(head, /\r\ncontent-security-policy: default-src 'self'; script-src 'self';/);
        assert.match(head, /\r\nx-content-type-options: nosniff\r\n/);
      }
      const missing = await runClient('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `${origin}/ui/nothing.js`,
      ]);
      assert.equal(missing.stdout, '404');
    });
  },
);

describe('the admin web UI across a restart of the host', needs('chromium', 'curl'), () => {
  let browser: Browser;
  const hosts: Host[] = [];
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    for (const host of hosts) await host.stop(1000);
  });

  test("the page drops the old host's events and streams the new one's, whose ids start again at 1", async () => {
    const first = await adminAndHttp();
    hosts.push(first);
    const adminPort = portOf(first, 'admin');
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${adminPort}/#http`);
    await page.locator('#live[data-state="live"]').waitFor(SHOWN);
    for (let i = 0; i < 5; i++) assert.equal(await curlSite(first, `/before-${i}`), '404');
    await page.locator('#http-table tbody tr', { hasText: '/before-4' }).waitFor(SHOWN);
    await first.stop(1000);
    // The same admin port: the open page's stream reconnects to the new host by itself.
    const second = await adminAndHttp([`admin.port=${adminPort}`]);
    hosts.push(second);
    await page.locator('#live[data-state="live"]').waitFor(SHOWN);
    assert.equal(await curlSite(second, '/after'), '404');
    // Its ids are ones the page held for the first host's events: shown only once those went.
    await page.locator('#http-table tbody tr', { hasText: '/after' }).waitFor(SHOWN);
    assert.equal(await page.locator('#http-table tbody tr', { hasText: '/before-' }).count(), 0);
  });
});
