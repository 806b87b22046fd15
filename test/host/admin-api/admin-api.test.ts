/**
 * The admin listener's JSON API through `serve()` with real clients: Python's smtplib sends
 * the mails and poplib deletes them, dig and curl make the traffic, and curl reads the API —
 * events listed, filtered, forgotten and streamed, messages listed, parsed and read raw.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const run = promisify(execFile);

/** A multipart mail: a plain and an HTML body and a small attachment, a Subject in UTF-8. */
const MULTIPART = [
  'From: App <app@client.test>',
  'To: anyone@anywhere.example',
  'Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgQmVybg==?=',
  'Date: Sun, 06 Dec 2026 16:05:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello in plain text.',
  '--inner',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Hello in <b>HTML</b>.</p>',
  '--inner--',
  '--outer',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename="report.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('0123456789abcdef').toString('base64'),
  '--outer--',
  '',
].join('\r\n');

/** Sends stdin's bytes with smtplib to the addresses in argv. */
const SEND = `
import smtplib, sys
port, sender, recipients = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(',')
s = smtplib.SMTP('127.0.0.1', port, timeout=10)
s.sendmail(sender, recipients, sys.stdin.buffer.read())
s.quit()
`;

/** Logs in to POP3 as demo and deletes every message. */
const DELETE_ALL = `
import poplib, sys
p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
p.user('demo'); p.pass_('demo')
count, _ = p.stat()
for i in range(1, count + 1):
    p.dele(i)
p.quit()
print(count)
`;

interface Answer {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

describe('the admin API', () => {
  let host: Host;
  let admin: string;

  /** One request with curl: its status, header fields (lower-case names) and body. */
  async function curl(path: string, method = 'GET', extra: string[] = []): Promise<Answer> {
    const args = ['-s', '-i', '-X', method, ...extra, `${admin}${path}`];
    if (method === 'HEAD') args.splice(2, 2, '-I');
    const result = await runClient('curl', args);
    assert.equal(result.code, 0, result.output);
    const split = result.stdout.indexOf('\r\n\r\n');
    const head = result.stdout.slice(0, split).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    // runClient reads the output as latin1 (bytes as they are): the JSON is UTF-8.
    const body = Buffer.from(result.stdout.slice(split + 4), 'latin1').toString('utf8');
    return {
      status: Number(head[0]!.split(' ')[1]),
      headers,
      body,
      json: <T>() => JSON.parse(body) as T,
    };
  }

  async function send(message: string, to: string, from = 'app@client.test'): Promise<void> {
    const child = execFile('python3', ['-c', SEND, String(portOf(host, 'smtp')), from, to]);
    child.stdin?.end(message);
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, 'smtplib sent the mail');
  }

  /** Sends a mail and waits for its capture event; returns the event id. */
  async function mail(message: string, to = 'anyone@anywhere.example'): Promise<number> {
    const since = host.capture.lastId;
    await send(message, to);
    const event = await host.waitFor((e) => e.kind === 'message', { sinceId: since });
    return event.id;
  }

  before(async () => {
    const on = ['admin', 'dns', 'http', 'smtp', 'pop3'];
    const config = testConfig([
      ...SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
      'smtp.acceptAll=true',
    ]);
    host = await serve({ config, logger: memoryLogger().logger });
    admin = `http://127.0.0.1:${portOf(host, 'admin')}`;
  });
  after(() => host.stop(1000));

  test(
    'a mail to anyone@anywhere.example is listed by to= and by its decoded subject=',
    needs('python3', 'curl'),
    async () => {
      const id = await mail(MULTIPART);
      const byTo = await curl('/api/v1/messages?to=anyone@');
      assert.equal(byTo.status, 200);
      assert.equal(byTo.headers.get('content-type'), 'application/json');
      assert.equal(byTo.headers.get('cache-control'), 'no-store');
      const listed = byTo.json<{ messages: Array<Record<string, unknown>> }>().messages;
      const message = listed.find((m) => m.id === id);
      assert.ok(message, byTo.body);
      assert.equal(message.subject, 'Grüße aus Bern');
      assert.equal(message.from, 'app@client.test');
      assert.deepEqual(message.to, ['anyone@anywhere.example']);
      assert.match(String(message.peer), /^127\.0\.0\.1:\d+$/);
      assert.equal(typeof message.size, 'number');
      assert.ok(Number(message.time) > 1_700_000_000_000, String(message.time));

      const bySubject = await curl(`/api/v1/messages?subject=${encodeURIComponent('GRÜSSE')}`);
      assert.deepEqual(bySubject.json(), { messages: [] }, 'ß is not SS: no match');
      const found = await curl(`/api/v1/messages?subject=${encodeURIComponent('grüße AUS')}`);
      assert.ok(
        found.json<{ messages: Array<{ id: number }> }>().messages.some((m) => m.id === id),
      );
      const other = await curl('/api/v1/messages?to=someone-else@&limit=5');
      assert.deepEqual(other.json(), { messages: [] });
    },
  );

  test(
    'GET /api/v1/messages/{id} shows the text, the HTML and the attachment of a multipart mail',
    needs('python3', 'curl'),
    async () => {
      const id = await mail(MULTIPART);
      const answer = await curl(`/api/v1/messages/${id}`);
      assert.equal(answer.status, 200, answer.body);
      const detail = answer.json<Record<string, unknown>>();
      assert.equal(detail.id, id);
      assert.equal(detail.subject, 'Grüße aus Bern');
      assert.deepEqual(detail.to, ['anyone@anywhere.example']);
      assert.equal(String(detail.text).trim(), 'Hello in plain text.');
      assert.equal(String(detail.html).trim(), '<p>Hello in <b>HTML</b>.</p>');
      assert.deepEqual(detail.attachments, [
        { filename: 'report.bin', mimeType: 'application/octet-stream', size: 16 },
      ]);
      assert.equal(detail.date, '2026-12-06T16:05:00.000Z');
      const headers = detail.headers as Array<{ name: string; value: string }>;
      // The trace fields the server adds come first; the client's follow.
      assert.equal(headers[0]!.name, 'Return-Path');
      assert.ok(headers.some((h) => h.name === 'Received'));
      assert.ok(headers.some((h) => h.name === 'Content-Type' && h.value.includes('multipart')));
    },
  );

  test(
    '/raw returns the stored bytes exactly, as message/rfc822',
    needs('python3', 'curl'),
    async () => {
      const id = await mail(MULTIPART);
      const event = host.capture.list({ id })[0]!;
      const stored = event.stored as Array<{ user: string; path: string }>;
      assert.equal(stored.length, 1);
      const onDisk = await readFile(stored[0]!.path);
      const file = join(tempDir(), 'raw.eml');
      const head = await runClient('curl', [
        '-s',
        '-D',
        '-',
        '-o',
        file,
        `${admin}/api/v1/messages/${id}/raw`,
      ]);
      assert.equal(head.code, 0, head.output);
      assert.match(head.stdout, /^HTTP\/1\.1 200 /);
      assert.match(head.stdout, /\r\ncontent-type: message\/rfc822\r\n/i);
      const raw = await readFile(file);
      assert.ok(raw.equals(onDisk), 'the bytes in the Maildir');
      assert.ok(raw.subarray(raw.length - MULTIPART.length).equals(Buffer.from(MULTIPART)));
    },
  );

  test(
    'DELETE /api/v1/messages/{id} forgets the message but leaves its Maildir file',
    needs('python3', 'curl'),
    async () => {
      const id = await mail('Subject: forget me\r\n\r\nbody\r\n');
      const path = (host.capture.list({ id })[0]!.stored as Array<{ path: string }>)[0]!.path;
      const deleted = await curl(`/api/v1/messages/${id}`, 'DELETE');
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.json(), { deleted: 1 });
      const gone = await curl(`/api/v1/messages/${id}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.json(), { error: `no message "${id}"` });
      assert.equal((await curl(`/api/v1/messages/${id}`, 'DELETE')).status, 404);
      assert.ok(existsSync(path), 'the mail is still in the Maildir');
    },
  );

  test(
    'a message POP3 deleted answers 410 Gone on /{id} and /raw',
    needs('python3', 'curl'),
    async () => {
      const id = await mail('Subject: read and deleted\r\n\r\nbody\r\n');
      const { stdout } = await run('python3', ['-c', DELETE_ALL, String(portOf(host, 'pop3'))]);
      assert.ok(Number(stdout) >= 1, stdout);
      for (const path of [`/api/v1/messages/${id}`, `/api/v1/messages/${id}/raw`]) {
        const answer = await curl(path);
        assert.equal(answer.status, 410, path);
        assert.match(answer.json<{ error: string }>().error, /no longer stored/);
      }
      // Still listed: the capture remembers what was accepted.
      const listed = await curl('/api/v1/messages?subject=read+and+deleted');
      assert.equal(listed.json<{ messages: unknown[] }>().messages.length, 1);
    },
  );

  test(
    'a message POP3 only listed (moved from new/ to cur/) is still read',
    needs('python3', 'curl'),
    async () => {
      const id = await mail('Subject: moved\r\n\r\nbody\r\n');
      const LIST = `import poplib, sys\np = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)\np.user('demo'); p.pass_('demo'); p.stat(); p.quit()`;
      await run('python3', ['-c', LIST, String(portOf(host, 'pop3'))]);
      const path = (host.capture.list({ id })[0]!.stored as Array<{ path: string }>)[0]!.path;
      assert.ok(!existsSync(path), 'moved out of new/');
      const raw = await curl(`/api/v1/messages/${id}/raw`);
      assert.equal(raw.status, 200);
      assert.ok(raw.body.endsWith('Subject: moved\r\n\r\nbody\r\n'));
    },
  );

  test('DELETE /api/v1/messages forgets every message', needs('python3', 'curl'), async () => {
    await mail('Subject: one more\r\n\r\nbody\r\n');
    const before = host.capture.list({ service: 'smtp', kind: 'message' }).length;
    const answer = await curl('/api/v1/messages', 'DELETE');
    assert.deepEqual(answer.json(), { deleted: before });
    assert.deepEqual((await curl('/api/v1/messages')).json(), { messages: [] });
  });

  test(
    'a dig query is in GET /api/v1/events?service=dns with its name, type and rcode',
    needs('dig', 'curl'),
    async () => {
      const port = String(portOf(host, 'dns', 'udp'));
      const dig = await runClient('dig', ['@127.0.0.1', '-p', port, 'api-test.invalid', 'TXT']);
      assert.equal(dig.code, 0, dig.output);
      await host.waitFor((e) => e.name === 'api-test.invalid');
      const answer = await curl('/api/v1/events?service=dns&q=api-test');
      const { events, lastId } = answer.json<{
        events: Array<Record<string, unknown>>;
        lastId: number;
      }>();
      assert.equal(events.length, 1, answer.body);
      assert.equal(events[0]!.kind, 'query');
      assert.equal(events[0]!.name, 'api-test.invalid');
      assert.equal(events[0]!.type, 'TXT');
      assert.match(String(events[0]!.rcode), /^(NXDOMAIN|REFUSED|SERVFAIL)$/);
      assert.ok(lastId >= Number(events[0]!.id));
    },
  );

  test(
    'a curl request is in GET /api/v1/events with method, path and status; since= and limit= cut the list',
    needs('curl'),
    async () => {
      const since = host.capture.lastId;
      const site = `http://127.0.0.1:${portOf(host, 'http')}`;
      for (const page of ['/first-page', '/second-page']) {
        const got = await runClient('curl', ['-s', '-o', '/dev/null', `${site}${page}`]);
        assert.equal(got.code, 0, got.output);
      }
      await host.waitFor((e) => e.path === '/second-page', { sinceId: since });
      const answer = await curl(`/api/v1/events?service=http&kind=request&since=${since}`);
      const events = answer.json<{ events: Array<Record<string, unknown>> }>().events;
      assert.deepEqual(
        events.map((e) => [e.method, e.path, e.status]),
        [
          ['GET', '/second-page', 404],
          ['GET', '/first-page', 404],
        ],
        'newest first',
      );
      const one = await curl(`/api/v1/events?service=http&since=${since}&limit=1`);
      assert.equal(one.json<{ events: unknown[] }>().events.length, 1);
      const peer = String(events[0]!.peer);
      const byPeer = await curl(
        `/api/v1/events?peer=${peer.split(':')[0]}&since=${since}&service=http&kind=request`,
      );
      assert.equal(byPeer.json<{ events: unknown[] }>().events.length, 2);
      const future = await curl('/api/v1/events?since=2999-01-01T00:00:00Z');
      assert.deepEqual(future.json<{ events: unknown[] }>().events, []);
    },
  );

  test('DELETE /api/v1/events?service=dns forgets the DNS events only', needs('curl'), async () => {
    const dns = host.capture.list({ service: 'dns' }).length;
    const http = host.capture.list({ service: 'http' }).length;
    const answer = await curl('/api/v1/events?service=dns', 'DELETE');
    assert.deepEqual(answer.json(), { deleted: dns });
    assert.equal(host.capture.list({ service: 'dns' }).length, 0);
    assert.equal(host.capture.list({ service: 'http' }).length, http);
  });

  test(
    'curl -N on the stream receives an event sent after it connected, and its going unsubscribes',
    needs('curl'),
    async () => {
      const listening = host.capture.listeners;
      const stream = follow(`${admin}/api/v1/events/stream?service=http&kind=request`);
      try {
        await stream.until(': polyport capture events\n\n');
        assert.equal(host.capture.listeners, listening + 1);
        const site = `http://127.0.0.1:${portOf(host, 'http')}`;
        await runClient('curl', ['-s', '-o', '/dev/null', `${site}/while-streaming`]);
        const text = await stream.until('/while-streaming');
        const message = /id: (\d+)\ndata: (\{.*"\/while-streaming".*\})\n\n/.exec(text);
        assert.ok(message, text);
        const event = JSON.parse(message[2]!) as Record<string, unknown>;
        assert.equal(event.id, Number(message[1]));
        assert.equal(event.method, 'GET');
        assert.equal(event.status, 404);
        assert.doesNotMatch(text, /"kind":"open"/, 'the filter holds for live events');
      } finally {
        const since = host.capture.lastId;
        stream.child.kill();
        // The admin connection closes when curl goes (its FIN ends the stream), not at the
        // next keep-alive: then the feed has unsubscribed.
        await host.waitFor((e) => e.service === 'admin' && e.kind === 'close', { sinceId: since });
      }
      assert.equal(host.capture.listeners, listening);
    },
  );

  test(
    'a stream with Last-Event-ID first sends the held events newer than it, oldest first',
    needs('curl'),
    async () => {
      const since = host.capture.lastId;
      const site = `http://127.0.0.1:${portOf(host, 'http')}`;
      for (const page of ['/held-1', '/held-2']) {
        await runClient('curl', ['-s', '-o', '/dev/null', `${site}${page}`]);
      }
      await host.waitFor((e) => e.path === '/held-2', { sinceId: since });
      const stream = follow(`${admin}/api/v1/events/stream?service=http&kind=request`, [
        '-H',
        `Last-Event-ID: ${since}`,
      ]);
      try {
        const text = await stream.until('/held-2');
        const paths = [...text.matchAll(/"path":"([^"]+)"/g)].map((m) => m[1]);
        assert.deepEqual(paths, ['/held-1', '/held-2']);
      } finally {
        const closed = host.capture.lastId;
        stream.child.kill();
        await host.waitFor((e) => e.service === 'admin' && e.kind === 'close', { sinceId: closed });
      }
    },
  );

  test(
    'bad query values are 400, unknown paths 404, wrong methods 405 with Allow',
    needs('curl'),
    async () => {
      for (const query of [
        'limit=0',
        'limit=10001',
        'limit=ten',
        'since=yesterday',
        'colour=red',
        'service=',
        'q=a&q=b',
      ]) {
        const answer = await curl(`/api/v1/events?${query}`);
        assert.equal(answer.status, 400, query);
        assert.equal(typeof answer.json<{ error: string }>().error, 'string', query);
      }
      assert.equal((await curl('/api/v1/messages?subject=x&peer=y')).status, 400);
      assert.equal((await curl('/api/v1/events/stream?limit=5')).status, 400);
      const unknown = await curl('/api/v1/nothing-here');
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.json(), { error: 'no such API path: /api/v1/nothing-here' });
      assert.equal((await curl('/api/v1/messages/not-a-number')).status, 404);
      assert.equal((await curl('/api/v1/messages/999999/raw')).status, 404);
      const post = await curl('/api/v1/events', 'POST');
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD, DELETE');
      assert.equal(post.headers.get('content-type'), 'application/json');
      const put = await curl('/api/v1/messages/1/raw', 'PUT');
      assert.equal(put.status, 405);
      assert.equal(put.headers.get('allow'), 'GET, HEAD');
      const head = await curl('/api/v1/events', 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('cache-control'), 'no-store');
    },
  );
});

/** A `curl -N` reading a stream: its output so far, and a wait for some text in it. */
function follow(
  url: string,
  extra: string[] = [],
): { child: ChildProcess; until(text: string): Promise<string> } {
  const child = spawn('curl', ['-sN', ...extra, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    async until(text) {
      while (!out.includes(text)) {
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        await Promise.race([
          more,
          ended.then(() => assert.fail(`curl ended before "${text}": ${out}`)),
        ]);
      }
      return out;
    },
  };
}
