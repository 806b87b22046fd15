/**
 * `polyport serve --workers 2` as a user runs it: two worker processes on the same ports, the
 * admin listener in the main process adding them up, a killed worker started again, SIGHUP
 * reloading both, SIGTERM stopping all. The clients are polyport's own and curl; each new
 * connection comes from a new source port, so the kernel spreads them between the workers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createQuery,
  exchange,
  Rcode,
  RRType,
  randomId,
} from '../../../src/protocols/dns/index.js';
import { Pop3Client, SmtpClient } from '../../../src/protocols/mail/index.js';
import { type CliProcess, runCli, startCli } from '../../support/cli.js';
import { SERVICE_TABLES, tempDir } from '../../support/host.js';
import { needs } from '../../support/interop.js';
import { freePort } from '../../support/ports.js';

/** The services these tests use; the others are off. */
const USED = ['admin', 'http', 'dns', 'ftp', 'smtp', 'pop3'] as const;
type Used = (typeof USED)[number];

interface Answer {
  readonly status: number;
  readonly body: string;
}

function httpGet(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // `agent: false`: a connection of its own each time, so each may land on either worker.
    const request = get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path}: timed out`)));
    request.on('error', reject);
  });
}

function send(port: number, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        timeout: 10_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function json<T>(port: number, path: string): Promise<T> {
  const answer = await httpGet(port, path);
  assert.equal(answer.status, 200, `${path}: ${answer.body}`);
  return JSON.parse(answer.body) as T;
}

interface WorkerRow {
  readonly id: number;
  readonly pid: number;
  readonly ready: boolean;
  readonly restarts: number;
  readonly requests: number;
}
interface Status {
  readonly workers: readonly WorkerRow[];
  readonly services: readonly { readonly name: string; readonly requests: number }[];
}
interface Event {
  readonly id: number;
  readonly service: string;
  readonly kind: string;
  readonly worker?: number;
  readonly [field: string]: unknown;
}

/** Polls `probe` every 100 ms until it returns a value, failing after `seconds`. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  seconds = 30,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function curl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    ),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --workers 2', { timeout: 240_000 }, () => {
  const dir = tempDir('polyport-fleet-');
  const ports = {} as Record<Used, number>;
  let proc: CliProcess;
  let configFile: string;

  /** The config file: fixed free ports, every unused service off, `site` as the web root. */
  function writeConfig(site: string): void {
    const lines = ['workers = 2', `dataDir = "${join(dir, 'data')}"`];
    for (const name of SERVICE_TABLES) {
      lines.push(`[${name}]`);
      if ((USED as readonly string[]).includes(name)) {
        lines.push(`port = ${ports[name as Used]}`);
      } else {
        lines.push('enabled = false');
      }
      if (name === 'http') lines.push(`root = "${join(dir, site)}"`);
      if (name === 'ftp') lines.push('readOnly = false');
    }
    writeFileSync(configFile, `${lines.join('\n')}\n`);
  }

  before(async () => {
    for (const name of USED) ports[name] = await freePort();
    for (const site of ['site-a', 'site-b']) {
      mkdirSync(join(dir, site));
      writeFileSync(join(dir, site, 'index.html'), `${site}\n`);
    }
    configFile = join(dir, 'polyport.toml');
    writeConfig('site-a');
    proc = startCli(['serve', '--config', configFile, '--log-format', 'json', '--grace', '2'], {
      cwd: dir,
    });
    await proc.waitFor(/Press Ctrl-C to stop\./, 120);
  });

  after(async () => {
    proc.child.kill('SIGKILL');
    await proc.exited;
  });

  test('the listing says two workers share every port, and the admin listener is ready', async () => {
    assert.match(proc.stdout, /^2 worker processes share every port \(SO_REUSEPORT\)\.$/m);
    assert.match(
      proc.stdout,
      new RegExp(`^\\s+http\\s+tcp\\s+127\\.0\\.0\\.1\\s+${ports.http}$`, 'm'),
    );
    assert.equal((await httpGet(ports.admin, '/readyz')).status, 200);
  });

  test('HTTP connections are served by both workers; the status page and metrics add them up', async () => {
    let sent = 0;
    await until('both workers to serve HTTP', async () => {
      for (let i = 0; i < 20; i++) {
        const answer = await httpGet(ports.http, '/');
        assert.equal(answer.status, 200);
        assert.equal(answer.body, 'site-a\n');
        sent++;
      }
      const events = await json<{ events: Event[] }>(
        ports.admin,
        '/api/v1/events?service=http&kind=request',
      );
      const workers = new Set(events.events.map((e) => e.worker));
      return workers.has(1) && workers.has(2) ? true : undefined;
    });
    // Each worker sends its events in batches: every request's arrives.
    const served = await until('every request in the capture', async () => {
      const events = await json<{ events: Event[] }>(
        ports.admin,
        '/api/v1/events?service=http&kind=request',
      );
      return events.events.length === sent ? events.events : undefined;
    });
    // Ids grow by one across both workers' events, newest first.
    const ids = served.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    // Each worker reports its counters every second.
    const status = await until('the status page to count every request', async () => {
      const now = await json<Status>(ports.admin, '/status.json');
      const http = now.services.find((s) => s.name === 'http');
      return http?.requests === sent ? now : undefined;
    });
    assert.equal(status.workers.length, 2);
    assert.ok(
      status.workers.every((w) => w.ready && w.requests > 0),
      JSON.stringify(status.workers),
    );
    assert.equal(
      status.workers.reduce((sum, w) => sum + w.requests, 0),
      sent,
    );
    const metrics = (await httpGet(ports.admin, '/metrics')).body;
    const perWorker = [1, 2].map((id) => {
      const line = new RegExp(
        `^polyport_requests_total\\{service="http",worker="${id}"\\} (\\d+)$`,
        'm',
      ).exec(metrics);
      assert.ok(line, `worker ${id}'s series in:\n${metrics.slice(0, 3000)}`);
      return Number(line[1]);
    });
    assert.equal(perWorker[0]! + perWorker[1]!, sent);
    assert.match(metrics, /^polyport_requests_total\{service="admin",worker="main"\} \d+$/m);
    const html = (await httpGet(ports.admin, '/status')).body;
    assert.match(html, /2 worker processes/);
  });

  test(
    'FTP passive transfers work whichever worker the control and data connections reach',
    needs('curl'),
    async () => {
      // Each worker's passive listener is its own (bound without SO_REUSEPORT), so a data
      // connection always reaches the worker that announced the port.
      const base = `ftp://127.0.0.1:${ports.ftp}`;
      for (let i = 0; i < 12; i++) {
        const file = join(dir, `up-${i}.txt`);
        writeFileSync(file, `upload ${i}\n`.repeat(1000));
        await curl(['--user', 'demo:demo', '-T', file, `${base}/up-${i}.txt`]);
        const back = await curl(['--user', 'demo:demo', `${base}/up-${i}.txt`]);
        assert.equal(back, readFileSync(file, 'utf8'));
      }
      const events = await json<{ events: Event[] }>(
        ports.admin,
        '/api/v1/events?service=ftp&kind=open',
      );
      assert.deepEqual(new Set(events.events.map((e) => e.worker)), new Set([1, 2]));
    },
  );

  test('mails sent at once to both workers are each delivered once, whole (Maildir across processes)', async () => {
    const count = 20;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const client = await SmtpClient.connect('127.0.0.1', ports.smtp, { timeout: 20 });
        try {
          await client.ehlo();
          await client.sendMail(
            'sender@example.test',
            ['demo@example.test'],
            `Subject: fleet ${i}\r\n\r\nbody ${i}\r\n`,
          );
        } finally {
          await client.quit().catch(() => undefined);
        }
      }),
    );
    const mails = await until('every mail in the API', async () => {
      const list = await json<{ messages: { subject: string }[] }>(
        ports.admin,
        '/api/v1/messages?subject=fleet',
      );
      return list.messages.length >= count ? list.messages : undefined;
    });
    assert.deepEqual(
      mails.map((m) => m.subject).sort(),
      Array.from({ length: count }, (_, i) => `fleet ${i}`).sort(),
    );
    const maildir = join(dir, 'data', 'mail', 'demo');
    const files = ['new', 'cur'].flatMap((sub) =>
      readdirSync(join(maildir, sub))
        .map((name) => readFileSync(join(maildir, sub, name), 'utf8'))
        .filter((text) => text.includes('Subject: fleet ')),
    );
    assert.equal(files.length, count);
    for (const text of files) assert.match(text, /\r?\n\r?\nbody \d+\r?\n$/);
    const accepted = await json<{ events: Event[] }>(
      ports.admin,
      '/api/v1/events?service=smtp&kind=open',
    );
    assert.deepEqual(new Set(accepted.events.map((e) => e.worker)), new Set([1, 2]));
  });

  test('a POP3 mailbox locked by a session on one worker is locked on the other too', async () => {
    const holder = await Pop3Client.connect('127.0.0.1', ports.pop3, { timeout: 20 });
    try {
      await holder.login('demo', 'demo');
      let attempts = 0;
      await until('a login attempt on each worker', async () => {
        const client = await Pop3Client.connect('127.0.0.1', ports.pop3, { timeout: 20 });
        attempts++;
        try {
          await assert.rejects(client.login('demo', 'demo'), /IN-USE/);
        } finally {
          await client.quit().catch(() => undefined);
        }
        const opens = await json<{ events: Event[] }>(
          ports.admin,
          '/api/v1/events?service=pop3&kind=open',
        );
        return new Set(opens.events.map((e) => e.worker)).size === 2 ? true : undefined;
      });
      assert.ok(attempts >= 1);
    } finally {
      await holder.quit();
    }
  });

  test('a fault rule added through the API holds in both workers; its counts add up', async () => {
    const rule = await send(ports.admin, 'POST', '/api/v1/faults', {
      service: 'dns',
      match: { name: 'flaky.example.test' },
      action: { rcode: 'SERVFAIL' },
    });
    assert.equal(rule.status, 201, rule.body);
    const { id } = JSON.parse(rule.body) as { id: string };
    let asked = 0;
    await until('queries on both workers', async () => {
      for (let i = 0; i < 10; i++) {
        const query = createQuery('flaky.example.test', RRType.A, { id: randomId() });
        const { response } = await exchange(query, ['127.0.0.1', ports.dns], { timeout: 5 });
        assert.equal(response.rcode, Rcode.SERVFAIL);
        asked++;
      }
      const faults = await json<{ events: Event[] }>(
        ports.admin,
        '/api/v1/events?service=dns&kind=fault',
      );
      return new Set(faults.events.map((e) => e.worker)).size === 2 ? true : undefined;
    });
    const listed = await json<{ faults: { id: string; fired: number }[] }>(
      ports.admin,
      '/api/v1/faults',
    );
    assert.deepEqual(
      listed.faults.map((f) => [f.id, f.fired]),
      [[id, asked]],
    );
    assert.equal((await send(ports.admin, 'DELETE', `/api/v1/faults/${id}`)).status, 204);
    const query = createQuery('www.example.test', RRType.A, { id: randomId() });
    for (let i = 0; i < 6; i++) {
      const { response } = await exchange(query, ['127.0.0.1', ports.dns], { timeout: 5 });
      assert.equal(response.rcode, Rcode.NOERROR);
    }
  });

  test("the event stream follows both workers' requests as they happen", async () => {
    const seen = new Set<number>();
    let text = '';
    const stream = get({
      host: '127.0.0.1',
      port: ports.admin,
      path: '/api/v1/events/stream?service=http&kind=request',
      agent: false,
    });
    try {
      const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        stream.on('response', resolve);
        stream.on('error', reject);
      });
      assert.equal(response.statusCode, 200);
      response.setEncoding('utf8');
      const marker = `/stream-${Date.now()}.html`;
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const line of text.split('\n')) {
          if (!line.startsWith('data: ')) continue;
          const event = JSON.parse(line.slice(6)) as Event;
          if (event.path === marker && event.worker !== undefined) seen.add(event.worker);
        }
      });
      await until('requests of both workers on the stream', async () => {
        for (let i = 0; i < 10; i++) assert.equal((await httpGet(ports.http, marker)).status, 404);
        return seen.size === 2 ? true : undefined;
      });
    } finally {
      stream.destroy();
    }
  });

  test('a worker killed with SIGKILL is started again and logged; the other serves meanwhile', async () => {
    const before = await json<Status>(ports.admin, '/status.json');
    const victim = before.workers[0]!;
    process.kill(victim.pid, 'SIGKILL');
    // Connections the kernel had queued on the dead worker's socket are reset with it (as with
    // any SO_REUSEPORT server, nginx's too); once it is gone, the other takes every one.
    await until('the worker to be gone', async () => (alive(victim.pid) ? undefined : true));
    // The other worker keeps the port open: every request is answered.
    for (let i = 0; i < 10; i++) assert.equal((await httpGet(ports.http, '/')).status, 200);
    const after = await until('the worker to run again', async () => {
      const now = await json<Status>(ports.admin, '/status.json');
      const row = now.workers.find((w) => w.id === victim.id);
      return row?.ready && row.pid !== victim.pid ? row : undefined;
    });
    assert.equal(after.restarts, 1);
    assert.equal(alive(victim.pid), false);
    assert.match(
      proc.stderr,
      new RegExp(`"msg":"worker ${victim.id} ended \\(signal SIGKILL\\): starting it again"`),
    );
    assert.equal((await httpGet(ports.admin, '/readyz')).status, 200);
  });

  test('SIGHUP reloads every worker: all of them serve the new config', async () => {
    writeConfig('site-b');
    proc.child.kill('SIGHUP');
    await until('the reload', async () =>
      /"msg":"config reloaded"/.test(proc.stderr) ? true : undefined,
    );
    for (let i = 0; i < 30; i++) assert.equal((await httpGet(ports.http, '/')).body, 'site-b\n');
  });

  test('SIGTERM stops every worker and exits 0', async () => {
    const { workers } = await json<Status>(ports.admin, '/status.json');
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    for (const worker of workers) assert.equal(alive(worker.pid), false, `worker ${worker.id}`);
  });
});

test('serve --workers 2 refuses a port 0, which each worker would pick on its own', async () => {
  const dir = tempDir('polyport-fleet-');
  const { code, stderr } = await runCli(
    ['serve', '--workers', '2', '--set', 'portOffset=0', '--set', 'http.port=0'],
    { cwd: dir, seconds: 60 },
  );
  assert.equal(code, 1);
  assert.match(
    stderr,
    /^polyport serve: http\.port = 0: with several workers every port must be fixed/m,
  );
});

test('serve --workers 2 fails as serve alone does when a port is taken, and leaves no worker', async () => {
  const dir = tempDir('polyport-fleet-');
  const blocker = createServer();
  const port = await new Promise<number>((resolve) =>
    blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)),
  );
  try {
    const sets = SERVICE_TABLES.flatMap((name) =>
      name === 'http' ? ['--set', `http.port=${port}`] : ['--set', `${name}.enabled=false`],
    );
    const { code, stderr } = await runCli(['serve', '--workers', '2', ...sets], {
      cwd: dir,
      seconds: 60,
    });
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      new RegExp(`^polyport serve: http: cannot listen on 127\\.0\\.0\\.1:${port}`, 'm'),
    );
  } finally {
    blocker.close();
  }
});
