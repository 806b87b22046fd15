import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineClient, startMail } from './service-support.js';

const limits = {
  maxConnections: 64,
  maxConnectionsPerAddress: 64,
  idleTimeout: 5,
  readTimeout: 5,
  maxRequestSize: 65536,
};

/** Sends random bytes, then a command that must still be answered (or a clean close). */
async function probe(port: number, bytes: Uint8Array, after: string): Promise<string> {
  const c = await LineClient.connect(port);
  try {
    await c.line();
    await c.send(Buffer.from(bytes));
    await c.send(after);
    return await c.rest();
  } catch (err) {
    // A reset after too many errors is an answer too; anything else is a failure.
    if (err instanceof Error && /ECONNRESET|EPIPE/.test(String((err as { code?: string }).code)))
      return '';
    throw err;
  } finally {
    c.close();
  }
}

test('random bytes never crash the SMTP or POP3 server, and both keep serving', async () => {
  const mail = await startMail({ limits });
  try {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const smtp = await probe(mail.smtpPort, bytes, '\r\nQUIT\r\n');
        assert.match(smtp, /(^|\n)(221|421|5\d\d|250|354|334|220)[ -]|^$/);
        const pop = await probe(mail.pop3Port, bytes, '\r\nQUIT\r\n');
        assert.match(pop, /(\+OK|-ERR)|^$/);
      }),
      { numRuns: 40 },
    );
    // Still alive: a normal session works.
    const c = await LineClient.connect(mail.smtpPort);
    assert.match(await c.reply(), /^220 /);
    await c.send('NOOP\r\n');
    assert.equal(await c.reply(), '250 2.0.0 Ok');
    c.close();
    assert.equal((await (await mail.store.maildir('demo')).list()).length, 0);
  } finally {
    await mail.stop();
  }
});
