/**
 * A connection that ends by a reset or an end of stream aborts what it left unfinished: an SMTP
 * DATA cut before its final dot delivers nothing (not even a part), and a POP3 session that ends
 * without QUIT deletes nothing (RFC 1939 §6: deletions only in the UPDATE state, after QUIT).
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CutHow, cuttingPeer } from '../../support/reset-peer.js';
import { eventually, type MailFixture, startMail } from './service-support.js';

/** Every file in the user's Maildir, per folder. */
async function folders(mail: MailFixture, user: string): Promise<Record<string, string[]>> {
  const box = await mail.store.maildir(user);
  const out: Record<string, string[]> = {};
  for (const sub of ['tmp', 'new', 'cur']) out[sub] = await readdir(join(box.root, sub));
  return out;
}

const BODY = `Subject: cut\r\n\r\n${'a line of the body that never ends\r\n'.repeat(20_000)}`;

for (const how of ['reset', 'end'] as const satisfies readonly CutHow[]) {
  const by = how === 'reset' ? 'a reset' : 'an end of stream';

  test(`SMTP DATA cut by ${by} before the final dot delivers nothing`, async () => {
    const mail = await startMail();
    try {
      const c = await cuttingPeer(mail.smtpPort);
      await c.waitFor(/^220 /m);
      await c.send(
        'EHLO client.example\r\nMAIL FROM:<carol@client.example>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n',
      );
      await c.waitFor(/^354 /m);
      // Half the message, ending mid-line, then the cut; wait until the delivery has begun
      // (a file in tmp/), so the test shows it is aborted rather than never started.
      await c.send(BODY.slice(0, BODY.length / 2));
      await eventually(async () => (await folders(mail, 'demo')).tmp?.length === 1);
      await c.cut(BODY.slice(BODY.length / 2, BODY.length / 2 + 1000), how);
      await eventually(async () => (await folders(mail, 'demo')).tmp?.length === 0);
      assert.deepEqual(await folders(mail, 'demo'), { tmp: [], new: [], cur: [] });
      assert.equal(mail.requests.filter((r) => r.msg === 'message').length, 0);
    } finally {
      await mail.stop();
    }
  });

  test(`SMTP DATA whose last line is a dot without CRLF, cut by ${by}, delivers nothing`, async () => {
    const mail = await startMail();
    try {
      const c = await cuttingPeer(mail.smtpPort);
      await c.waitFor(/^220 /m);
      await c.send(
        'EHLO client.example\r\nMAIL FROM:<carol@client.example>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n',
      );
      await c.waitFor(/^354 /m);
      await c.send('Subject: cut\r\n\r\nbody\r\n');
      await eventually(async () => (await folders(mail, 'demo')).tmp?.length === 1);
      await c.cut('.', how);
      await eventually(async () => (await folders(mail, 'demo')).tmp?.length === 0);
      assert.deepEqual(await folders(mail, 'demo'), { tmp: [], new: [], cur: [] });
    } finally {
      await mail.stop();
    }
  });

  test(`a POP3 session that sent DELE and ends by ${by} without QUIT deletes nothing`, async () => {
    const mail = await startMail();
    try {
      const box = await mail.store.maildir('demo');
      await box.deliver(Buffer.from('Subject: keep me\r\n\r\nhello\r\n'));
      const c = await cuttingPeer(mail.pop3Port);
      await c.waitFor(/^\+OK/m);
      await c.send('USER demo\r\nPASS demo\r\nDELE 1\r\n');
      await c.waitFor(/deleted|^\+OK[^\n]*\n\+OK[^\n]*\n\+OK/m);
      // A QUIT cut short is no QUIT.
      await c.cut('QUI', how);
      // The session is over once its lock on the mailbox is free again.
      await eventually(async () => {
        const lock = await box.lock();
        if (lock === null) return false;
        await lock.release();
        return true;
      });
      assert.equal((await box.list()).length, 1);
      assert.equal(mail.requests.filter((r) => r.msg === 'quit').length, 0);
    } finally {
      await mail.stop();
    }
  });
}
