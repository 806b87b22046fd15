/**
 * The admin API's fault routes, driven with curl: a rule added with POST faults the next
 * request, GET shows what it did, a bad rule is a 400 with the rule's one-line reason, and
 * DELETE removes one rule or all.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Host, serve } from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

describe('the faults API', { skip: needs('curl').skip }, () => {
  let host: Host;
  let api: string;
  let web: string;
  before(async () => {
    const on = ['admin', 'http'];
    host = await serve({
      config: testConfig(
        SERVICE_TABLES.filter((s) => !on.includes(s)).map((s) => `${s}.enabled=false`),
      ),
      logger: memoryLogger().logger,
    });
    writeFileSync(join(host.config.http.root, 'p1.txt'), 'one\n');
    api = `http://127.0.0.1:${portOf(host, 'admin')}/api/v1/faults`;
    web = `http://127.0.0.1:${portOf(host, 'http')}`;
  });
  after(() => host.stop(1000));

  /** curl: the status code and the parsed JSON body (null when there is none). */
  async function call(...args: string[]): Promise<{ status: number; body: unknown }> {
    const run = await runClient('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
    assert.equal(run.code, 0, run.output);
    const cut = run.stdout.lastIndexOf('\n');
    const text = run.stdout.slice(0, cut);
    return {
      status: Number(run.stdout.slice(cut + 1)),
      body: text === '' ? null : JSON.parse(text),
    };
  }

  const status = async (path: string) =>
    (await runClient('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${web}${path}`]))
      .stdout;

  test('POST adds a rule that faults the next request; GET shows its counts; DELETE removes it', async () => {
    const rule =
      '{"service":"http","match":{"path":"/p1.txt","method":"get"},"action":{"status":503},"times":1}';
    const added = await call('-H', 'Content-Type: application/json', '-d', rule, api);
    assert.equal(added.status, 201);
    const held = added.body as { id: string };
    assert.deepEqual(added.body, {
      service: 'http',
      match: { path: '/p1.txt', method: 'GET' },
      action: { status: 503 },
      times: 1,
      id: held.id,
      matched: 0,
      fired: 0,
    });
    assert.equal(await status('/p1.txt'), '503');
    assert.equal(await status('/p1.txt'), '200', 'times: 1');
    const listed = await call(api);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      (listed.body as { faults: Array<Record<string, unknown>> }).faults.map((f) => [
        f.id,
        f.matched,
        f.fired,
      ]),
      [[held.id, 1, 1]],
    );
    const [event] = host.capture.list({ service: 'http', kind: 'fault' });
    assert.equal(event?.rule, held.id);
    assert.deepEqual(await call('-X', 'DELETE', `${api}/${held.id}`), { status: 204, body: null });
    assert.deepEqual(await call('-X', 'DELETE', `${api}/${held.id}`), {
      status: 404,
      body: { error: `no fault rule ${held.id}` },
    });
    assert.deepEqual(await call(api), { status: 200, body: { faults: [] } });
  });

  test('a bad rule is a 400 with its one-line reason; a body that is not JSON too', async () => {
    const bad = await call('-d', '{"service":"dns","action":{"status":500}}', api);
    assert.deepEqual(bad, {
      status: 400,
      body: {
        error:
          'fault rule: dns takes the actions delay, rcode, drop, truncate, wrongId; not "status"',
      },
    });
    const garbage = await call('-d', 'service=dns', api);
    assert.equal(garbage.status, 400);
    assert.match((garbage.body as { error: string }).error, /^the body is not JSON: /);
    assert.deepEqual(await call(api), { status: 200, body: { faults: [] } });
  });

  test('a rule with a probability shows the seed it draws from; DELETE on the list removes every rule', async () => {
    const added = await call(
      '-d',
      '{"service":"dns","action":{"drop":true},"probability":0.25}',
      api,
    );
    assert.equal(added.status, 201);
    assert.equal(typeof (added.body as { seed: unknown }).seed, 'number');
    await call('-d', '{"service":"http","action":{"delay":10}}', api);
    assert.equal(((await call(api)).body as { faults: unknown[] }).faults.length, 2);
    assert.deepEqual(await call('-X', 'DELETE', api), { status: 204, body: null });
    assert.deepEqual(host.faults.list(), []);
  });
});
