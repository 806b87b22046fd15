/**
 * An application's own tests against polyport's real servers, with Node's test runner: the mail
 * the application sends is caught and awaited, and its DNS lookups are answered from a zone the
 * test wrote. Save it as `signup.test.ts` and run `node --import tsx --test signup.test.ts`.
 */
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { test } from 'node:test';
import { SmtpClient } from '../../src/protocols/mail/index.js';
import { fixture } from '../../src/testing/index.js';

/** The code under test: the application's welcome mail, sent over SMTP as smtplib would. */
async function sendWelcome(smtp: readonly [string, number], to: string): Promise<void> {
  const client = await SmtpClient.connect(...smtp);
  try {
    await client.ehlo();
    await client.sendMail(
      'noreply@shop.example',
      [to],
      `Subject: Welcome\r\nTo: ${to}\r\n\r\nHi!\r\n`,
    );
  } finally {
    await client.quit();
  }
}

test('a new customer gets a welcome mail', async () => {
  await using net = await fixture({ smtp: {} });
  await sendWelcome(net.smtp.address, 'ann@customer.example');
  // The server records the mail when it has stored it; waitFor() sees it even if it came first.
  await net.waitFor((e) => e.service === 'smtp' && e.kind === 'message', { timeout: 5000 });
  const [mail] = await net.messages();
  assert.equal(mail?.subject, 'Welcome');
  assert.deepEqual(mail?.to, ['ann@customer.example']);
  assert.match((await mail!.raw()).toString(), /\r\n\r\nHi!\r\n$/);
});

test('the API host name resolves through the test zone', async () => {
  const zone = [
    '$ORIGIN lab.test.',
    '$TTL 60',
    '@    IN SOA ns admin 1 3600 600 86400 60',
    '@    IN NS  ns',
    'ns   IN A   127.0.0.1',
    'api  IN A   192.0.2.10',
  ].join('\n');
  await using net = await fixture({ dns: { zone } });
  const resolver = new Resolver();
  resolver.setServers([`${net.dns.host}:${net.dns.port}`]);
  assert.deepEqual(await resolver.resolve4('api.lab.test'), ['192.0.2.10']);
  const query = await net.waitFor((e) => e.service === 'dns' && e.name === 'api.lab.test');
  assert.equal(query.rcode, 'NOERROR');
});
