import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  buildReceivedHeader,
  DotStuffer,
  type MaildirDelivery,
  MaildirStore,
  Pop3ResponseParser,
  Pop3ServerSession,
  pop3Uid,
  SmtpServerSession,
} from '../../../src/protocols/mail/index.js';

const base = await mkdtemp(join(tmpdir(), 'polyport-mailflow-'));
after(() => rm(base, { recursive: true, force: true }));
const fixture = await readFile(new URL('../../fixtures/mail/dotted-message.eml', import.meta.url));

/** What the SMTP glue will do: deliver each message to every accepted local recipient. */
async function smtpReceive(store: MaildirStore, wire: Buffer): Promise<string> {
  const smtp = new SmtpServerSession({ hostname: 'mx.example.test' });
  let deliveries: MaildirDelivery[] = [];
  smtp.receiveData(wire);
  for (let ev = smtp.nextEvent(); ev !== null; ev = smtp.nextEvent()) {
    if (ev.type === 'rcpt') {
      if (ev.to.domain === 'example.test') smtp.acceptRecipient();
      else smtp.refuseRecipient();
    } else if (ev.type === 'data-start') {
      const header = buildReceivedHeader({
        heloName: 'client.example',
        remoteAddress: '192.0.2.7',
        byHost: 'mx.example.test',
        protocol: smtp.protocolName,
        date: new Date(Date.UTC(2026, 10, 5, 8, 16)),
      });
      deliveries = await Promise.all(
        ev.recipients.map(async (r) => (await store.maildir(r.address)).beginDelivery()),
      );
      for (const d of deliveries) await d.write(Buffer.from(header));
    } else if (ev.type === 'data') {
      for (const d of deliveries) await d.write(ev.chunk);
    } else if (ev.type === 'data-abort') {
      for (const d of deliveries) await d.abort();
    } else if (ev.type === 'data-end') {
      const ids = await Promise.all(deliveries.map((d) => d.commit()));
      smtp.acceptMessage({ code: 250, enhanced: '2.0.0', text: `Ok: queued as ${ids.length}` });
    }
  }
  return smtp.takeOutput().toString();
}

test('a message received over SMTP into a Maildir comes back unchanged over POP3', async () => {
  const store = new MaildirStore(join(base, 'data'), { hostname: 'mx' });
  const stuffer = new DotStuffer();
  const wire = Buffer.concat([
    Buffer.from('EHLO client.example\r\nMAIL FROM:<carol@client.example>\r\n'),
    Buffer.from('RCPT TO:<demo@example.test>\r\nRCPT TO:<x@elsewhere.example>\r\nDATA\r\n'),
    stuffer.push(fixture),
    stuffer.end(),
    Buffer.from('QUIT\r\n'),
  ]);
  const replies = await smtpReceive(store, wire);
  assert.match(replies, /250 2\.0\.0 Ok: queued as 1\r\n221 2\.0\.0 Bye\r\n$/);

  // What the POP3 glue will do: lock, list, serve RETR, commit deletions at QUIT.
  const box = await store.maildir('demo@example.test');
  const lock = await box.lock();
  assert.ok(lock !== null);
  const pop = new Pop3ServerSession({ allowPlaintextAuth: true });
  const client = new Pop3ResponseParser();
  pop.receiveData(Buffer.from('USER demo@example.test\r\nPASS x\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n'));
  for (const kind of ['single', 'single', 'single', 'multi', 'single', 'single'] as const) {
    client.expect(kind);
  }
  let received = '';
  const feed = (bytes: Buffer): void => {
    client.receiveData(bytes);
    for (let ev = client.nextEvent(); ev !== null; ev = client.nextEvent()) {
      if (ev.type === 'data') received += ev.chunk.toString('latin1');
    }
  };
  for (let ev = pop.nextEvent(); ev !== null; ev = pop.nextEvent()) {
    if (ev.type === 'login') {
      const listed = await box.list();
      pop.loginSucceeded(listed.map((m) => ({ ...m, uid: pop3Uid(m.id) })));
    } else if (ev.type === 'retrieve') {
      feed(pop.takeOutput());
      const encoder = new DotStuffer();
      for await (const chunk of await box.open(ev.id)) feed(encoder.push(chunk as Buffer));
      feed(encoder.end());
      pop.retrieveDone();
    } else if (ev.type === 'commit-deletions') {
      await box.delete(ev.ids);
      pop.deletionsCommitted();
    } else if (ev.type === 'quit') {
      await lock.release();
    }
  }
  feed(pop.takeOutput());
  assert.ok(received.startsWith('Received: from client.example (unknown [192.0.2.7])\r\n'));
  assert.ok(received.endsWith(fixture.toString('latin1')));
  assert.deepEqual(await box.list(), []);
});
