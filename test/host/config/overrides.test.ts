import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  effectiveConfig,
  parseOverrides,
  tryEffectiveConfig,
} from '../../../src/host/config/index.js';

function issues(sets: string[]): string[] {
  return parseOverrides(sets).issues.map((i) => i.message);
}

test('--set coerces a boolean from true/false, yes/no, on/off and 1/0', () => {
  for (const [text, value] of [
    ['false', false],
    ['FALSE', false],
    ['no', false],
    ['off', false],
    ['0', false],
    ['true', true],
    ['yes', true],
    ['On', true],
    ['1', true],
  ] as const) {
    assert.equal(effectiveConfig({}, { sets: [`dns.enabled=${text}`] }).dns.enabled, value, text);
  }
  assert.deepEqual(issues(['dns.enabled=maybe']), [
    'config: --set dns.enabled=maybe: expected true or false',
  ]);
});

test('--set coerces an integer and checks its range', () => {
  assert.equal(effectiveConfig({}, { sets: ['portOffset=0'] }).http.port, 80);
  assert.equal(
    effectiveConfig({}, { sets: ['http.limits.maxConnections=1_000'] }).http.limits.maxConnections,
    1000,
  );
  assert.deepEqual(issues(['http.port=eighty', 'http.port=70000', 'http.port=8.5', 'http.port=']), [
    'config: --set http.port=eighty: expected an integer from 0 to 65535',
    'config: --set http.port=70000: expected an integer from 0 to 65535',
    'config: --set http.port=8.5: expected an integer from 0 to 65535',
    'config: --set http.port=: expected an integer from 0 to 65535',
  ]);
});

test('--set takes a string as is, including any = after the first', () => {
  assert.equal(effectiveConfig({}, { sets: ['http.root=./site'] }).http.root, './site');
  assert.equal(effectiveConfig({}, { sets: ['qotd.file=a=b.txt'] }).qotd.file, 'a=b.txt');
  assert.equal(effectiveConfig({}, { sets: ['log.format=json'] }).log.format, 'json');
  assert.deepEqual(issues(['log.format=xml']), [
    'config: --set log.format=xml: expected one of "pretty", "json"',
  ]);
});

test('--set splits a list of strings at commas, and an empty value is an empty list', () => {
  const config = effectiveConfig(
    {},
    {
      sets: ['smtp.domains=a.test, b.test,,c.test', 'dns.forwarders=9.9.9.9,[2001:db8::53]:5353'],
    },
  );
  assert.deepEqual(config.smtp.domains, ['a.test', 'b.test', 'c.test']);
  assert.deepEqual(config.dns.forwarders, ['9.9.9.9', '[2001:db8::53]:5353']);
  assert.deepEqual(effectiveConfig({}, { sets: ['smtp.domains='] }).smtp.domains, []);
  assert.deepEqual(issues(['dns.forwarders=9.9.9.9,nope']), [
    'config: --set dns.forwarders=9.9.9.9,nope: expected a list of strings, each an IP address with an optional port',
  ]);
});

test('--set parses a port range, a single port, and "" for any port', () => {
  assert.deepEqual(
    effectiveConfig({}, { sets: ['ftp.passivePorts=30000-30100'] }).ftp.passivePorts,
    { low: 30000, high: 30100 },
  );
  assert.deepEqual(effectiveConfig({}, { sets: ['ftp.passivePorts=30000'] }).ftp.passivePorts, {
    low: 30000,
    high: 30000,
  });
  assert.equal(
    effectiveConfig({ ftp: { passivePorts: '1-2' } }, { sets: ['ftp.passivePorts='] }).ftp
      .passivePorts,
    null,
  );
  assert.equal(issues(['ftp.passivePorts=0-10', 'ftp.passivePorts=5-a']).length, 2);
});

test('--set overrides the file, and a later --set overrides an earlier one', () => {
  const config = effectiveConfig(
    { http: { root: './from-file' } },
    { sets: ['http.root=./first', 'http.root=./second'] },
  );
  assert.equal(config.http.root, './second');
});

test('--set with an unknown key is an error with a suggestion', () => {
  assert.deepEqual(issues(['htp.root=./site', 'http.prot=1', 'nothing=1']), [
    'config: --set htp.root=./site: unknown key htp.root (did you mean http.root?)',
    'config: --set http.prot=1: unknown key http.prot (did you mean http.port?)',
    'config: --set nothing=1: unknown key nothing',
  ]);
  // A table is not a key: only its keys can be set.
  assert.deepEqual(issues(['http=1']), [
    'config: --set http=1: http is a table; set one of its keys (http.enabled, http.address, http.port, …)',
  ]);
});

test('--set without = or for users is refused with the reason', () => {
  assert.deepEqual(issues(['http.root', '=x', 'users.name=x']), [
    'config: --set http.root: expected key=value',
    'config: --set =x: expected key=value',
    'config: --set users.name=x: users can only be defined in the config file',
  ]);
});

test('a bad --set stops effectiveConfig() with the other problems', () => {
  const result = tryEffectiveConfig({ http: { port: 'x' } }, { sets: ['http.enabled=nah'] });
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.issues.length, 2);
});

test('random --set arguments give overrides or issues, never a crash', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }), (sets) => {
      const parsed = parseOverrides(sets);
      assert.equal(parsed.overrides.length + parsed.issues.length, sets.length);
      tryEffectiveConfig({}, { sets });
    }),
  );
});
