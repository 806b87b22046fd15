import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { effectiveConfig, type Host, serve } from '../../src/host/index.js';
import { request } from '../../src/protocols/http/index.js';
import { runCli } from '../support/cli.js';
import { memoryLogger, SERVICE_TABLES, tempDir } from '../support/host.js';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Serves HTTP and DNS only, at their default ports shifted by a random portOffset. */
async function serveWithOffset(): Promise<{ host: Host; offset: number }> {
  for (let tries = 0; ; tries++) {
    const offset = 20000 + Math.floor(Math.random() * 40000);
    if (!((await isFree(offset + 80)) && (await isFree(offset + 53)))) continue;
    const sets = [
      `dataDir=${tempDir()}`,
      `portOffset=${offset}`,
      ...SERVICE_TABLES.filter((s) => s !== 'http' && s !== 'dns').map((s) => `${s}.enabled=false`),
    ];
    try {
      const config = effectiveConfig({}, { sets });
      return { host: await serve({ config, logger: memoryLogger().logger }), offset };
    } catch (err) {
      if (tries > 5) throw err;
    }
  }
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await request({ url, timeout: 10 });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(Buffer.from(chunk));
  return { status: response.status, text: Buffer.concat(chunks).toString('utf8') };
}

describe('the sample site and zone follow portOffset', () => {
  let host: Host;
  let offset: number;
  before(async () => {
    ({ host, offset } = await serveWithOffset());
  });
  after(async () => {
    await host.stop();
  });

  test('every link of the sample index that stays on the HTTP port answers 200 (wget -r ends cleanly)', async () => {
    const base = `http://127.0.0.1:${offset + 80}`;
    const index = await get(`${base}/`);
    assert.equal(index.status, 200);
    const links = [...index.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(links.length > 2, index.text);
    for (const link of links.filter((l) => l.startsWith('/'))) {
      assert.equal((await get(`${base}${link}`)).status, 200, link);
    }
    assert.doesNotMatch(index.text, /href="\/status"/);
    assert.doesNotMatch(index.text, /\{\{/);
  });

  test('the sample text names the HTTP port this config uses', async () => {
    const readme = await get(`http://127.0.0.1:${offset + 80}/docs/readme.txt`);
    assert.match(
      readme.text,
      new RegExp(`http://127\\.0\\.0\\.1:${offset + 80}/docs/readme\\.txt`),
    );
    assert.doesNotMatch(readme.text, /10080/);
  });

  test("the sample zone's _http._tcp SRV names the HTTP port", async () => {
    const { code, stdout, stderr } = await runCli([
      'dig',
      '-p',
      String(offset + 53),
      '+short',
      '_http._tcp.example.test',
      'SRV',
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `0 5 ${offset + 80} www.example.test.\n`);
  });
});
