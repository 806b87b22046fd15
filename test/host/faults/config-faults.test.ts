/**
 * `[[faults]]` in polyport.toml: checked when the config loads (a bad rule is a config error
 * line naming it), printed back by --print-config, put in force by the host at start, and
 * replaced on reload while the rules added in code stay.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import {
  ConfigError,
  effectiveConfig,
  loadConfig,
  type PolyportConfig,
  printConfig,
  serve,
} from '../../../src/host/index.js';
import { runClient } from '../../interop/run-client.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir } from '../../support/host.js';
import { needs } from '../../support/interop.js';

const DOCUMENTED = `
[[faults]]
service = "smtp"
match = { command = "RCPT" }
action = { reply = "451 4.3.0 try again later" }
times = 1

[[faults]]
service = "dns"
match = { name = "flaky.example.test" }
action = { rcode = "SERVFAIL" }

[[faults]]
service = "http"
match = { path = "/p1.txt" }
action = { status = 503 }
`;

test('loadConfig() reads [[faults]] as checked rules, in the order written', async () => {
  const config = await loadConfig({ text: DOCUMENTED });
  assert.deepEqual(config.faults, [
    {
      service: 'smtp',
      match: { command: 'RCPT' },
      action: { reply: '451 4.3.0 try again later' },
      times: 1,
    },
    { service: 'dns', match: { name: 'flaky.example.test' }, action: { rcode: 'SERVFAIL' } },
    { service: 'http', match: { path: '/p1.txt' }, action: { status: 503 } },
  ]);
  assert.deepEqual(effectiveConfig().faults, [], 'no rules unless written');
});

test('a bad rule is a config error line that names it, among the others', async () => {
  const text = `
portOffset = "x"

[[faults]]
service = "dns"
action = { status = 500 }

[[faults]]
service = "http"
match = { path = "/" }
action = { status = 503 }

[[faults]]
service = "gopher"
action = { delay = 1 }
`;
  await assert.rejects(loadConfig({ text }), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(
      err.issues.map((i) => i.key),
      ['portOffset', 'faults[0]', 'faults[2]'],
    );
    assert.match(
      err.message,
      /^config: faults\[0\]: fault rule: dns takes the actions delay, rcode, drop, truncate, wrongId; not "status"$/m,
    );
    assert.match(err.message, /^config: faults\[2\]: fault rule: service must be one of /m);
    return true;
  });
  assert.throws(() => effectiveConfig({ faults: 3 }), /config: faults = 3: expected an array/);
});

test('printConfig() writes the rules so that loading them gives the same config', () => {
  const config = effectiveConfig({
    ...parse(DOCUMENTED),
    faults: [
      ...(parse(DOCUMENTED).faults as unknown[]),
      {
        service: 'http',
        action: { delay: 5, dribble: { bytes: 1, everyMs: 10 } },
        probability: 0.5,
        seed: 3,
      },
    ],
  });
  const text = printConfig(config);
  assert.match(text, /^\[\[faults\]\]$/m);
  assert.deepEqual(effectiveConfig(parse(text)), config);
});

/** A config with only HTTP (and every port free), with these rules. */
function httpOnly(faults: string, dataDir: string): Promise<PolyportConfig> {
  return loadConfig({
    text: faults,
    sets: [
      `dataDir=${dataDir}`,
      ...SERVICE_TABLES.map((s) => `${s}.port=0`),
      ...SERVICE_TABLES.filter((s) => s !== 'http').map((s) => `${s}.enabled=false`),
    ],
  });
}

test(
  'the host puts the rules in force at start; a reload replaces them and keeps the ones added in code',
  needs('curl'),
  async () => {
    const dataDir = tempDir();
    const first = `
[[faults]]
service = "http"
match = { path = "/p1.txt" }
action = { status = 503 }
`;
    const host = await serve({
      config: await httpOnly(first, dataDir),
      logger: memoryLogger().logger,
    });
    try {
      writeFileSync(join(host.config.http.root, 'p1.txt'), 'one\n');
      writeFileSync(join(host.config.http.root, 'p2.txt'), 'two\n');
      const status = async (path: string) => {
        const url = `http://127.0.0.1:${portOf(host, 'http')}${path}`;
        return (await runClient('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url]))
          .stdout;
      };
      assert.equal(await status('/p1.txt'), '503');
      const own = host.faults.add({
        service: 'http',
        match: { path: '/p2.txt' },
        action: { status: 502 },
      });
      await host.reload(
        await httpOnly(
          `
[[faults]]
service = "http"
match = { path = "/about.html" }
action = { status = 500 }
`,
          dataDir,
        ),
      );
      assert.deepEqual(
        host.faults.list().map((r) => [r.match?.path, r.action.status]),
        [
          ['/p2.txt', 502],
          ['/about.html', 500],
        ],
      );
      assert.equal(host.faults.list()[0]?.id, own.id);
      assert.equal(await status('/p1.txt'), '200', "the old config's rule is gone");
      assert.equal(await status('/p2.txt'), '502', 'the rule added in code stays');
      assert.equal(await status('/about.html'), '500');
    } finally {
      await host.stop(1000);
    }
  },
);
