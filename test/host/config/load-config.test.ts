import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ConfigError,
  checkCredentialsPolicy,
  loadConfig,
  parseConfigText,
  tryLoadConfig,
} from '../../../src/host/config/index.js';
import { verifyPassword } from '../../../src/host/password.js';

const EXAMPLE = new URL('../../../examples/polyport.toml', import.meta.url).pathname;

test('the example polyport.toml loads and sets what it says', async () => {
  const config = await loadConfig({ path: EXAMPLE });
  assert.equal(config.sampleUsers, false);
  assert.deepEqual(
    config.users.map((u) => u.name),
    ['alice', 'bob'],
  );
  assert.equal(await verifyPassword('alice-password', config.users[0]!.password), true);
  assert.equal(await verifyPassword('bob-password', config.users[1]!.password), true);
  assert.deepEqual(config.ftp.passivePorts, { low: 30000, high: 30100 });
  assert.equal(config.ftp.limits.idleTimeout, 900);
  assert.equal(config.chargen.limits.udpRate, 100);
  assert.equal(config.admin.limits.maxConnections, 64);
  assert.equal(config.users[0]!.ftpHome, '/alice');
  assert.equal(config.users[1]!.ftpHome, '/');
  assert.deepEqual(config.users[1]!.ftpPermissions, ['list', 'read']);
  assert.equal(config.http.port, 10080);
  assert.deepEqual(checkCredentialsPolicy(config), { ok: true });
});

test('the example polyport.toml mentions every section of the schema', async () => {
  const text = await readFile(EXAMPLE, 'utf8');
  const parsed = parseConfigText(text);
  assert.ok(parsed.ok);
  for (const section of [
    'log',
    'tls',
    'admin',
    'echo',
    'discard',
    'daytime',
    'qotd',
    'chargen',
    'time',
    'ftp',
    'smtp',
    'pop3',
    'dns',
    'finger',
    'http',
    'https',
    'users',
  ]) {
    assert.ok(section in parsed.table, section);
  }
});

test('loadConfig() without a file gives the defaults, with overrides applied', async () => {
  const config = await loadConfig({ sets: ['portOffset=0'] });
  assert.equal(config.http.port, 80);
  assert.equal(config.sampleUsers, true);
});

test('a TOML syntax error names the file, the line and the column', async () => {
  const text = 'portOffset = 0\n\n[http]\nport = = 80\n';
  await assert.rejects(
    loadConfig({ path: 'site.toml', text }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === 'config: site.toml:4:8: invalid TOML: invalid value' &&
      err.issues[0]?.line === 4 &&
      err.issues[0]?.column === 8 &&
      err.issues[0]?.file === 'site.toml' &&
      typeof err.issues[0]?.excerpt === 'string',
  );
  const parsed = parseConfigText('[http]\nport = 80\n[http]\n', 'dup.toml');
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.issue.message, /^config: dup\.toml:3:\d+: invalid TOML: /);
});

test('a syntax error is reported together with bad overrides', async () => {
  const result = await tryLoadConfig({ text: 'a = [', sets: ['htp.port=1'] });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.issues.length, 2);
    assert.match(result.issues[0]!.message, /^config: polyport\.toml:1:\d+: invalid TOML/);
    assert.equal(
      result.issues[1]!.message,
      'config: --set htp.port=1: unknown key htp.port (did you mean http.port?)',
    );
  }
});

test('a file that cannot be read is a config error naming the file', async () => {
  await assert.rejects(
    loadConfig({ path: '/nonexistent/polyport.toml' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.startsWith('config: /nonexistent/polyport.toml: cannot read: '),
  );
});

test('loadConfig() reads through an injected reader', async () => {
  const config = await loadConfig({
    path: 'virtual.toml',
    readFile: async (p) => (p === 'virtual.toml' ? '[dns]\nenabled = false\n' : ''),
  });
  assert.equal(config.dns.enabled, false);
});

test('a __proto__ key in TOML is refused as an error, never reaching a prototype', async () => {
  const result = await tryLoadConfig({ text: '[http]\n__proto__ = { port = 1 }\n' });
  assert.equal(result.ok, false);
  assert.equal(({} as Record<string, unknown>).port, undefined);
});

test('random text as a config file gives a result or issues, never a crash', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
      const result = await tryLoadConfig({ text });
      if (!result.ok) {
        assert.ok(result.issues.length > 0);
        for (const issue of result.issues) assert.match(issue.message, /^config: /);
      }
    }),
    { numRuns: 300 },
  );
});

test('random bytes as a config file give a result or issues, never a crash', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      const result = await tryLoadConfig({ text: Buffer.from(bytes).toString('utf8') });
      if (!result.ok) assert.ok(result.issues.length > 0);
    }),
    { numRuns: 300 },
  );
});

test('random TOML-shaped tables give a result or issues, never a crash', async () => {
  const line = fc.tuple(
    fc.constantFrom('http', 'ftp', 'dns', 'users', 'log', 'http.limits', 'x', 'tls'),
    fc.constantFrom('port', 'enabled', 'root', 'name', 'domains', 'level', 'udpRate', 'zz'),
    fc.constantFrom('1', '"a"', 'true', '[1, "b"]', '{ a = 1 }', '1979-05-27', '-5', '1e3', '[]'),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
      const text = lines.map(([t, k, v]) => `[${t}]\n${k} = ${v}\n`).join('');
      const result = await tryLoadConfig({ text });
      if (!result.ok) for (const i of result.issues) assert.match(i.message, /^config: /);
    }),
    { numRuns: 300 },
  );
});
