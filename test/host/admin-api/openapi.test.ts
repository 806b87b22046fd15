/**
 * docs/openapi.json describes the admin API the server answers: it parses, every route the
 * router has is in it and every operation in it is a route, which a real serve() answers.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { apiRoutes } from '../../../src/host/admin-api/api-handlers.js';
import { EventHub } from '../../../src/host/capture/event-hub.js';
import { serve } from '../../../src/host/index.js';
import type { StartContext } from '../../../src/host/starters/start-context.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface OpenApi {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
}

async function openApi(): Promise<OpenApi> {
  const text = await readFile(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
  return JSON.parse(text) as OpenApi;
}

/** The example request body of a path's POST. */
async function example(path: string): Promise<unknown> {
  const post = (await openApi()).paths[path]?.post as
    | { requestBody: { content: Record<string, { example: unknown }> } }
    | undefined;
  return post?.requestBody.content['application/json']?.example;
}

/** Every operation as `METHOD /path`. */
async function documented(): Promise<string[]> {
  const ops: string[] = [];
  for (const [path, item] of Object.entries((await openApi()).paths)) {
    for (const method of Object.keys(item)) {
      if (METHODS.includes(method)) ops.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return ops.sort();
}

test('docs/openapi.json is OpenAPI 3.1 and lists exactly the routes of apiRoutes()', async () => {
  assert.match((await openApi()).openapi, /^3\.1\.\d+$/);
  // The routes only keep the capture until a request comes: a bare context is enough to list them.
  const context = { capture: new EventHub(0, Date.now) } as unknown as StartContext;
  const served = apiRoutes(context)
    .map((route) => `${route.method} ${route.path}`)
    .sort();
  assert.deepEqual(await documented(), served);
});

test(
  'serve() answers every documented operation as a route of its own',
  needs('curl'),
  async () => {
    const others = SERVICE_TABLES.filter((s) => s !== 'admin');
    const host = await serve({
      config: testConfig(others.map((s) => `${s}.enabled=false`)),
      logger: memoryLogger().logger,
    });
    try {
      const base = `http://127.0.0.1:${portOf(host, 'admin')}`;
      for (const op of await documented()) {
        const [method, path] = op.split(' ') as [string, string];
        const url = `${base}${path.replace('{id}', '999999')}`;
        // The stream never ends: HEAD asks it for its head only.
        const stream = path.endsWith('/stream');
        // A POST sends the example of its request body (a fault rule).
        const body = method === 'POST' ? ['-d', JSON.stringify(await example(path))] : [];
        const args = [
          '-s',
          '-w',
          '\n%{http_code}',
          ...(stream ? ['-I'] : ['-X', method]),
          ...body,
          url,
        ];
        const result = await runClient('curl', args);
        assert.equal(result.code, 0, result.output);
        const lines = result.stdout.trimEnd().split('\n');
        const status = Number(lines.at(-1));
        assert.notEqual(status, 405, op);
        assert.doesNotMatch(result.stdout, /no such API path/, op);
        const success = status >= 200 && status < 300;
        assert.ok(success || (path.includes('{id}') && status === 404), `${op}: ${status}`);
      }
    } finally {
      await host.stop(1000);
    }
  },
);
