import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { EXIT } from '../../../src/protocols/common/index.js';
import { mailCommand } from '../../../src/protocols/mail/index.js';
import { startMail } from './service-support.js';

async function run(
  argv: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await mailCommand.run(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout,
    stderr,
    isTTY: false,
    interrupted: new Promise(() => {}),
  });
  return { code, out, err };
}

test('polyport mail send composes headers around stdin and fetch saves and deletes it', async () => {
  const mail = await startMail();
  const dir = await mkdtemp(join(tmpdir(), 'polyport-mailcli-'));
  try {
    const sent = await run(
      [
        'send',
        '--server',
        `127.0.0.1:${mail.smtpPort}`,
        '--from',
        'me@client.test',
        '--to',
        'demo@example.test',
        '--subject',
        'hello there',
      ],
      'first line\n.dot line\n',
    );
    assert.equal(sent.code, EXIT.OK, sent.err);
    assert.match(sent.out, /^sent to demo@example\.test: 250 2\.0\.0 Ok: queued as /);

    const listed = await run(['fetch', '--server', `127.0.0.1:${mail.pop3Port}`]);
    assert.equal(listed.code, EXIT.OK, listed.err);
    assert.match(
      listed.out,
      /^1\t\d+\t\S+\tme@client\.test\t\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\thello there\n$/,
    );

    const out = join(dir, 'inbox');
    const fetched = await run([
      'fetch',
      '--server',
      `127.0.0.1:${mail.pop3Port}`,
      '--user',
      'demo',
      '--pass',
      'demo',
      '--out',
      out,
      '--delete',
    ]);
    assert.equal(fetched.code, EXIT.OK, fetched.err);
    const [name] = await readdir(out);
    const text = await readFile(join(out, name!), 'utf8');
    assert.match(text, /\r\nSubject: hello there\r\n/);
    assert.ok(text.endsWith('\r\n\r\nfirst line\r\n.dot line\r\n'));
    assert.deepEqual(await (await mail.store.maildir('demo')).list(), []);
  } finally {
    await mail.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('polyport mail send sends a file that has headers as it is, and fails on a refused recipient', async () => {
  const mail = await startMail();
  const dir = await mkdtemp(join(tmpdir(), 'polyport-mailcli-'));
  try {
    const file = join(dir, 'msg.eml');
    await writeFile(file, 'Subject: as is\r\n\r\nbody\r\n');
    const server = `127.0.0.1:${mail.smtpPort}`;
    const common = ['send', '--server', server, '--from', 'me@client.test'];
    const ok = await run([...common, '--to', 'demo@example.test', file]);
    assert.equal(ok.code, EXIT.OK, ok.err);
    const partly = await run([
      ...common,
      '--to',
      'demo@example.test',
      '--to',
      'x@nowhere.example',
      file,
    ]);
    assert.equal(partly.code, EXIT.FAILURE);
    assert.match(partly.err, /^refused x@nowhere\.example: 554 5\.7\.1/);
    const box = await mail.store.maildir('demo');
    const entries = await box.list();
    assert.equal(entries.length, 2);
    const first = await readFile(join(box.root, 'cur', `${entries[0]!.id}:2,`), 'latin1');
    assert.ok(first.endsWith('\r\nSubject: as is\r\n\r\nbody\r\n'));
  } finally {
    await mail.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('polyport mail answers bad usage with exit code 2 and --help with the usage', async () => {
  assert.equal((await run([])).code, EXIT.USAGE);
  assert.equal((await run(['post'])).code, EXIT.USAGE);
  assert.equal((await run(['send', '--to', 'a@b.test'])).code, EXIT.USAGE);
  assert.equal((await run(['fetch', '--delete'])).code, EXIT.USAGE);
  assert.equal((await run(['fetch', '--user', 'x'])).code, EXIT.USAGE);
  assert.equal((await run(['fetch', '--server', 'mail.example:99999'])).code, EXIT.USAGE);
  assert.equal(
    (await run(['send', '--from', 'a@b.test', '--to', 'c@d.test', '--user', 'u', '--pass', 'p']))
      .code,
    EXIT.USAGE,
  );
  assert.equal((await run(['fetch', '--server', 'mail.example.test'])).code, EXIT.USAGE);
  const help = await run(['--help']);
  assert.equal(help.code, EXIT.OK);
  assert.match(help.out, /^Usage: polyport mail send/);
});

test('polyport mail fetch exits 1 when the server cannot be reached or refuses the login', async () => {
  const mail = await startMail();
  try {
    const refused = await run([
      'fetch',
      '--server',
      `127.0.0.1:${mail.pop3Port}`,
      '--user',
      'demo',
      '--pass',
      'wrong',
    ]);
    assert.equal(refused.code, EXIT.FAILURE);
    assert.match(refused.err, /-ERR \[AUTH\]/);
  } finally {
    await mail.stop();
  }
  const down = await run(['fetch', '--server', '127.0.0.1:1', '-t', '2']);
  assert.equal(down.code, EXIT.FAILURE);
});

test('polyport mail send encodes non-ASCII headers (RFC 2047) and attaches files as MIME; fetch lists From, Date and the decoded Subject', async () => {
  const mail = await startMail();
  const dir = await mkdtemp(join(tmpdir(), 'polyport-mailcli-'));
  try {
    const pdf = join(dir, 'report.pdf');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    await writeFile(pdf, bytes);
    const sent = await run(
      [
        'send',
        '--server',
        `127.0.0.1:${mail.smtpPort}`,
        '--from',
        'Jöns Müller <jm@client.test>',
        '--to',
        'demo@example.test',
        '--subject',
        'Grüße aus Zürich',
        '--attach',
        pdf,
      ],
      'Hallo, schöne Grüße\n',
    );
    assert.equal(sent.code, EXIT.OK, sent.err);

    const listed = await run(['fetch', '--server', `127.0.0.1:${mail.pop3Port}`]);
    assert.equal(listed.code, EXIT.OK, listed.err);
    const [, , , from, date, subject] = listed.out.trimEnd().split('\t');
    assert.equal(from, 'Jöns Müller <jm@client.test>');
    assert.ok(!Number.isNaN(Date.parse(date!)), date);
    assert.equal(subject, 'Grüße aus Zürich');

    const out = join(dir, 'inbox');
    const fetched = await run(['fetch', '--server', `127.0.0.1:${mail.pop3Port}`, '--out', out]);
    assert.equal(fetched.code, EXIT.OK, fetched.err);
    const [name] = await readdir(out);
    const text = await readFile(join(out, name!), 'latin1');
    const head = text.slice(0, text.indexOf('\r\n\r\n'));
    assert.doesNotMatch(head, /[^\x00-\x7f]/, 'the header must be ASCII');
    assert.match(head, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/m);
    assert.match(head, /^From: =\?UTF-8\?B\?\S+\?= <jm@client\.test>/m);
    const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
    assert.ok(boundary !== undefined, head);
    const parts = text.split(`--${boundary}`);
    assert.equal(parts.length, 4); // preamble, text, attachment, closing '--'
    assert.match(Buffer.from(parts[1]!, 'latin1').toString('utf8'), /Hallo, schöne Grüße\r\n/);
    assert.match(parts[2]!, /Content-Type: application\/pdf\r\n/);
    assert.match(parts[2]!, /Content-Disposition: attachment; filename="report\.pdf"\r\n/);
    const base64 = parts[2]!.slice(parts[2]!.indexOf('\r\n\r\n') + 4).replace(/\s+/g, '');
    assert.deepEqual(Buffer.from(base64, 'base64'), bytes);
  } finally {
    await mail.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
