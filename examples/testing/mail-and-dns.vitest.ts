/**
 * The same tests with vitest: one fixture for the whole file, started in `beforeAll` and closed
 * in `afterAll`; each test waits only for events newer than its start (`capture.lastId`). Save it
 * as `signup.test.ts` and run `npx vitest run signup.test.ts`. (In polyport it is named
 * `.vitest.ts` so that the node:test suite leaves it alone; `vitest.config.ts` beside it picks it.)
 */
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SmtpClient } from '../../src/protocols/mail/index.js';
import { type FixtureOf, fixture } from '../../src/testing/index.js';

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

const zone = {
  'lab.test': [
    '@    IN SOA ns admin 1 3600 600 86400 60',
    '@    IN NS  ns',
    'ns   IN A   127.0.0.1',
    'api  IN A   192.0.2.10',
  ].join('\n'),
};

let net: FixtureOf<{ smtp: {}; dns: { zone: typeof zone } }>;
beforeAll(async () => {
  net = await fixture({ smtp: {}, dns: { zone } });
});
afterAll(() => net.close());

test('a new customer gets a welcome mail', async () => {
  const since = net.capture.lastId;
  await sendWelcome(net.smtp.address, 'ann@customer.example');
  const event = await net.waitFor((e) => e.kind === 'message', { sinceId: since, timeout: 5000 });
  const mail = (await net.messages()).find((m) => m.id === event.queueId);
  expect(mail?.subject).toBe('Welcome');
  expect(mail?.to).toEqual(['ann@customer.example']);
  expect((await mail!.raw()).toString()).toMatch(/\r\n\r\nHi!\r\n$/);
});

test('the API host name resolves through the test zone', async () => {
  const resolver = new Resolver();
  resolver.setServers([`${net.dns.host}:${net.dns.port}`]);
  expect(await resolver.resolve4('api.lab.test')).toEqual(['192.0.2.10']);
});
