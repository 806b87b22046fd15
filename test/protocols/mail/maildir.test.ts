import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  DEMO_ADDRESS,
  DEMO_MESSAGES,
  LOCK_FILE_NAME,
  Maildir,
  MaildirStore,
  maildirUniqueName,
} from '../../../src/protocols/mail/index.js';

const base = await mkdtemp(join(tmpdir(), 'polyport-maildir-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): Promise<Maildir> =>
  Maildir.create(join(base, `box${++n}`), { hostname: 'host/a:b', now: () => 1700000000123 });

async function read(box: Maildir, id: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await box.open(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

test('maildirUniqueName() escapes / and : in the host name', () => {
  assert.equal(
    maildirUniqueName({ timeMs: 1700000000123, pid: 42, counter: 7, hostname: 'a/b:c' }),
    '1700000000.M123000P42Q7.a\\057b\\072c',
  );
  assert.throws(
    () => maildirUniqueName({ timeMs: -1, pid: 1, counter: 1, hostname: 'h' }),
    RangeError,
  );
});

test('Maildir.deliver() writes to new/ through tmp/ and list() moves it to cur/', async () => {
  const box = await fresh();
  const id = await box.deliver(Buffer.from('Subject: a\r\n\r\nhello\r\n'));
  assert.match(id, /^1700000000\.M123000P\d+Q\d+\.host\\057a\\072b,S=21$/);
  assert.deepEqual(await readdir(join(box.root, 'new')), [id]);
  assert.deepEqual(await readdir(join(box.root, 'tmp')), []);
  assert.deepEqual(await box.list(), [{ id, size: 21 }]);
  assert.deepEqual(await readdir(join(box.root, 'new')), []);
  assert.deepEqual(await readdir(join(box.root, 'cur')), [`${id}:2,`]);
  assert.equal(await read(box, id), 'Subject: a\r\n\r\nhello\r\n');
});

test('Maildir.deliver() streams an async iterable and keeps ids in delivery order', async () => {
  const box = await fresh();
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from('a');
    yield Buffer.from('b\r\n');
  }
  const first = await box.deliver(chunks());
  const second = await box.deliver(Buffer.from('c\r\n'));
  assert.deepEqual(
    (await box.list()).map((m) => m.id),
    [first, second],
  );
  assert.equal(await read(box, first), 'ab\r\n');
});

test('Maildir.deliver() leaves nothing behind when aborted or when the source fails', async () => {
  const box = await fresh();
  const controller = new AbortController();
  async function* slow(): AsyncGenerator<Buffer> {
    yield Buffer.from('part');
    controller.abort(new Error('client went away'));
    yield Buffer.from('more');
  }
  await assert.rejects(box.deliver(slow(), { signal: controller.signal }), /client went away/);
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from('part');
    throw new Error('boom');
  }
  await assert.rejects(box.deliver(broken()), /boom/);
  for (const sub of ['tmp', 'new', 'cur']) assert.deepEqual(await readdir(join(box.root, sub)), []);
});

test('MaildirDelivery.abort() removes the tmp file and commit() then refuses', async () => {
  const box = await fresh();
  const delivery = await box.beginDelivery();
  await delivery.write(Buffer.from('half a mess'));
  assert.equal((await readdir(join(box.root, 'tmp'))).length, 1);
  await delivery.abort();
  await delivery.abort();
  await assert.rejects(delivery.commit(), /aborted/);
  assert.deepEqual(await readdir(join(box.root, 'tmp')), []);
  assert.deepEqual(await box.list(), []);
});

test('Maildir.delete() removes messages and reports ids already gone', async () => {
  const box = await fresh();
  const a = await box.deliver(Buffer.from('a\r\n'));
  const b = await box.deliver(Buffer.from('b\r\n'));
  await box.list();
  assert.deepEqual(await box.delete([a, 'nothere']), { deleted: [a], missing: ['nothere'] });
  assert.deepEqual(
    (await box.list()).map((m) => m.id),
    [b],
  );
  await assert.rejects(box.open(a), { code: 'ENOENT' });
  await assert.rejects(box.open('../x'), RangeError);
});

test('Maildir.lock() excludes a second session in this process and through the lock file', async () => {
  const box = await fresh();
  const lock = await box.lock();
  assert.ok(lock !== null);
  assert.equal(await box.lock(), null);
  assert.equal(await new Maildir(box.root).lock(), null);
  await lock.release();
  const again = await box.lock();
  assert.ok(again !== null);
  await again.release();
  // Another live process (our parent) holds the file: excluded.
  await writeFile(join(box.root, LOCK_FILE_NAME), `${process.ppid}\n`);
  assert.equal(await box.lock(), null);
  // A process that is gone left it: taken over.
  await writeFile(join(box.root, LOCK_FILE_NAME), '2147483646\n');
  const taken = await box.lock();
  assert.ok(taken !== null);
  assert.equal(await readFile(join(box.root, LOCK_FILE_NAME), 'utf8'), `${process.pid}\n`);
  await taken.release();
});

test('MaildirStore creates a Maildir per user and seeds the demo mailbox once', async () => {
  const store = new MaildirStore(join(base, 'store'));
  const ids = await store.seedIfEmpty(DEMO_ADDRESS, DEMO_MESSAGES);
  assert.equal(ids.length, 3);
  assert.deepEqual(await store.seedIfEmpty('Demo@Example.test', DEMO_MESSAGES), []);
  const box = await store.maildir(DEMO_ADDRESS);
  assert.equal(box.root, join(base, 'store', DEMO_ADDRESS));
  const listed = await box.list();
  assert.deepEqual(
    listed.map((m) => m.size),
    DEMO_MESSAGES.map((m) => Buffer.byteLength(m)),
  );
  for (const bad of ['', '../x', '.hidden', 'a/b', 'a\0b']) {
    await assert.rejects(store.maildir(bad), RangeError, bad);
  }
});

test('DEMO_MESSAGES carry the RFC 5322 headers and CRLF line endings', () => {
  for (const message of DEMO_MESSAGES) {
    for (const header of ['Date:', 'From:', 'To:', 'Subject:', 'Message-ID:']) {
      assert.ok(message.includes(`\r\n${header}`) || message.startsWith(header), header);
    }
    assert.ok(!/[^\r]\n/.test(message));
  }
});
