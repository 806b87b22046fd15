/**
 * polyport's HTTP client against nginx serving a directory: GET, HEAD, Range, a directory
 * listing, 404, keep-alive reuse, and PUT refused by a server without WebDAV.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpAgent, request } from '../../src/protocols/http/index.js';
import { needs } from '../support/interop.js';
import { freePort, waitForPort } from '../support/ports.js';

const nginx = needs('nginx');
let dir: string;
let port = 0;
let child: ChildProcess | null = null;
let agent: HttpAgent;
const big = Buffer.alloc(200_000, 'n');

before(async () => {
  agent = new HttpAgent();
  if (nginx.skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'polyport-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(join(www, 'sub'), { recursive: true });
  writeFileSync(join(www, 'hello.txt'), 'hello from nginx\n');
  writeFileSync(join(www, 'big.bin'), big);
  writeFileSync(join(www, 'sub', 'a.txt'), 'a');
  port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/plain txt; application/octet-stream bin; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
    autoindex on;
  }
}
`,
  );
  child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  await waitForPort(port, 10);
});

after(async () => {
  agent.close();
  if (child !== null && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const url = (path: string): string => `http://127.0.0.1:${port}${path}`;

test('the client GETs a file from nginx', nginx, async () => {
  const response = await request({ url: url('/hello.txt'), agent });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain');
  assert.equal(await response.text(), 'hello from nginx\n');
});

test('the client reads a large body from nginx intact', nginx, async () => {
  const response = await request({ url: url('/big.bin'), agent });
  assert.ok((await response.buffer()).equals(big));
});

test('the client sends HEAD to nginx and reads no body', nginx, async () => {
  const response = await request({ url: url('/big.bin'), method: 'HEAD', agent });
  assert.equal(response.headers.get('content-length'), '200000');
  assert.equal((await response.buffer()).length, 0);
});

test('the client gets a byte range from nginx', nginx, async () => {
  const response = await request({
    url: url('/hello.txt'),
    headers: { Range: 'bytes=6-9' },
    agent,
  });
  assert.equal(response.status, 206);
  assert.equal(await response.text(), 'from');
});

test("the client reads nginx's chunked directory listing", nginx, async () => {
  const response = await request({ url: url('/sub/'), agent });
  assert.equal(response.status, 200);
  assert.match(await response.text(), /a\.txt/);
});

test('the client gets 404 from nginx for a missing file', nginx, async () => {
  const response = await request({ url: url('/missing'), agent });
  assert.equal(response.status, 404);
  await response.discard();
});

test('the client reuses its connection to nginx', nginx, async () => {
  const pool = new HttpAgent();
  try {
    for (let i = 0; i < 3; i++) {
      await (await request({ url: url('/hello.txt'), agent: pool })).text();
      assert.equal(pool.idleCount, 1);
    }
  } finally {
    pool.close();
  }
});

test(
  'the client follows a redirect from nginx for a directory without a slash',
  nginx,
  async () => {
    const response = await request({ url: url('/sub'), agent, maxRedirects: 2 });
    assert.equal(response.status, 200);
    assert.equal(response.redirects, 1);
    await response.discard();
  },
);

test('the client gets 405 for a PUT to nginx without WebDAV', nginx, async () => {
  const response = await request({ url: url('/new.txt'), method: 'PUT', body: 'x', agent });
  assert.equal(response.status, 405);
  await response.discard();
});
