import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import {
  effectiveConfig,
  loadConfig,
  type PolyportConfig,
  printConfig,
} from '../../../src/host/config/index.js';

const EXAMPLE = new URL('../../../examples/polyport.toml', import.meta.url).pathname;

function reload(config: PolyportConfig): PolyportConfig {
  return effectiveConfig(parse(printConfig(config)));
}

test('printConfig() of the defaults loads back to the same effective config', () => {
  const config = effectiveConfig();
  assert.deepEqual(reload(config), config);
});

test('printConfig() leaves out the sample user so it stays loopback-only after a reload', () => {
  const text = printConfig(effectiveConfig());
  assert.doesNotMatch(text, /^\[\[users\]\]$/m);
  assert.match(text, /^# polyport effective configuration/);
  assert.equal(reload(effectiveConfig()).sampleUsers, true);
});

test('printConfig() writes resolved ports, so changing portOffset later does not move them', () => {
  const text = printConfig(effectiveConfig({ portOffset: 20000 }));
  assert.match(text, /\[http\]\nenabled = true\naddress = "127.0.0.1"\nport = 20080\n/);
  assert.match(text, /^portOffset = 20000$/m);
});

test('printConfig() of the example file loads back to the same effective config', async () => {
  const config = await loadConfig({ path: EXAMPLE });
  const again = reload(config);
  assert.deepEqual(again, config);
  assert.match(printConfig(config), /\[\[users\]\]\nname = "alice"/);
});

test('printConfig() round-trips configs built from random valid overrides', () => {
  const set = fc.oneof(
    fc.integer({ min: 0, max: 65000 }).map((n) => `portOffset=${n}`),
    fc.boolean().map((b) => `dns.enabled=${b}`),
    fc.constantFrom('', '30000-30100', '40000').map((r) => `ftp.passivePorts=${r}`),
    fc
      .array(fc.constantFrom('a.test', 'b.example', 'localhost'))
      .map((l) => `smtp.domains=${l.join(',')}`),
    fc.constantFrom('./x', '/srv/data/', 'data dir').map((d) => `dataDir=${d}`),
    fc.constantFrom('json', 'pretty').map((f) => `log.format=${f}`),
    fc.integer({ min: 0, max: 86400 }).map((n) => `ftp.limits.idleTimeout=${n}`),
    fc.integer({ min: 0, max: 1000 }).map((n) => `echo.limits.udpRate=${n}`),
  );
  fc.assert(
    fc.property(fc.array(set, { maxLength: 6 }), (sets) => {
      const config = effectiveConfig({ admin: { port: 0 } }, { sets });
      assert.deepEqual(reload(config), config);
    }),
  );
});
