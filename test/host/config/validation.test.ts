import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ConfigError,
  effectiveConfig,
  tryEffectiveConfig,
} from '../../../src/host/config/index.js';

const HASH =
  'scrypt$N=16384,r=8,p=1$VT1UeV8Vh4Q2WRtZ5oaavQ==$Rqzk4lpHiTsVyOZaTyIkwySno3zA3vTMaQEsFTLtyEg=';

/** The messages effectiveConfig() stops with for `table`. */
function messages(table: Record<string, unknown>, sets: string[] = []): string[] {
  const result = tryEffectiveConfig(table, { sets });
  assert.equal(result.ok, false, 'expected the config to be refused');
  return result.ok ? [] : result.issues.map((i) => i.message);
}

test('a value of the wrong type names the key, the value and what was expected', () => {
  assert.deepEqual(messages({ http: { port: 'eighty' } }), [
    'config: http.port = "eighty": expected an integer from 0 to 65535',
  ]);
  assert.deepEqual(messages({ dns: { enabled: 'no' } }), [
    'config: dns.enabled = "no": expected true or false',
  ]);
  assert.deepEqual(messages({ smtp: { domains: 'example.test' } }), [
    'config: smtp.domains = "example.test": expected a list of strings, each a domain name',
  ]);
  assert.deepEqual(messages({ dataDir: 5 }), ['config: dataDir = 5: expected a string']);
  assert.deepEqual(messages({ http: 80 }), ['config: http = 80: expected a table [http]']);
  assert.deepEqual(messages({ log: { format: 'xml' } }), [
    'config: log.format = "xml": expected one of "pretty", "json"',
  ]);
});

test('a value out of range names the key, the value and the range', () => {
  assert.deepEqual(messages({ http: { port: 70000 } }), [
    'config: http.port = 70000: expected an integer from 0 to 65535',
  ]);
  assert.deepEqual(messages({ http: { port: 80.5 } }), [
    'config: http.port = 80.5: expected an integer from 0 to 65535',
  ]);
  assert.deepEqual(messages({ ftp: { limits: { maxConnections: 0 } } }), [
    'config: ftp.limits.maxConnections = 0: expected an integer from 1 to 1000000',
  ]);
  assert.deepEqual(messages({ ftp: { passivePorts: '30100-30000' } }), [
    'config: ftp.passivePorts = "30100-30000": expected a port range "low-high" within 1-65535, or "" for any port',
  ]);
  assert.deepEqual(messages({ http: { address: 'not an address' } }), [
    'config: http.address = "not an address": expected an IPv4 or IPv6 address or a host name',
  ]);
  assert.deepEqual(messages({ dns: { forwarders: ['9.9.9.9', 'dns.example'] } }), [
    'config: dns.forwarders = ["9.9.9.9", "dns.example"]: expected a list of strings, each an IP address with an optional port',
  ]);
});

test('an unknown key is an error with the nearest known key suggested', () => {
  assert.deepEqual(messages({ http: { prot: 80 } }), [
    'config: unknown key http.prot (did you mean http.port?)',
  ]);
  assert.deepEqual(messages({ portofset: 0 }), [
    'config: unknown key portofset (did you mean portOffset?)',
  ]);
  assert.deepEqual(messages({ htp: { port: 80 } }), [
    'config: unknown key htp (did you mean http?)',
  ]);
  assert.deepEqual(messages({ ftp: { limits: { maxConnection: 5 } } }), [
    'config: unknown key ftp.limits.maxConnection (did you mean ftp.limits.maxConnections?)',
  ]);
  assert.deepEqual(messages({ gopher: {} }), ['config: unknown key gopher']);
  const [issue] = tryEffectiveConfig({ http: { prot: 80 } }).ok
    ? []
    : (
        tryEffectiveConfig({ http: { prot: 80 } }) as {
          issues: readonly { suggestion?: string; kind: string }[];
        }
      ).issues;
  assert.equal(issue?.kind, 'unknown-key');
  assert.equal(issue?.suggestion, 'http.port');
});

test('UDP-only keys are unknown on a TCP-only service', () => {
  assert.deepEqual(messages({ http: { udp: true } }), ['config: unknown key http.udp']);
});

test('every problem is reported at once, not only the first', () => {
  const all = messages({ http: { port: 'eighty', prot: 1 }, smtp: { maxRecipients: 0 } }, [
    'dns.enabled=maybe',
  ]);
  assert.equal(all.length, 4);
  assert.throws(
    () => effectiveConfig({ http: { port: 'eighty' }, ftp: { port: -1 } }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.code === 'ECONFIG' &&
      err.issues.length === 2 &&
      err.message ===
        'config: http.port = "eighty": expected an integer from 0 to 65535\n' +
          'config: ftp.port = -1: expected an integer from 0 to 65535',
  );
});

test('a user entry is checked field by field, with missing fields and typos named', () => {
  assert.deepEqual(messages({ users: [{ name: 'al ice', pasword: HASH }] }), [
    'config: users[0].name = "al ice": expected a user name of 1 to 64 letters, digits, ".", "_" or "-"',
    'config: unknown key users[0].pasword (did you mean users[0].password?)',
    'config: users[0].password is missing: expected an scrypt hash string "scrypt$N=…,r=…,p=…$salt$hash" (make one with `polyport hash-password`)',
  ]);
  assert.deepEqual(messages({ users: [{ name: 'a', password: 'demo' }] }), [
    'config: users[0].password = "demo": expected an scrypt hash string "scrypt$N=…,r=…,p=…$salt$hash" (make one with `polyport hash-password`)',
  ]);
  assert.deepEqual(
    messages({ users: [{ name: 'a', password: HASH, ftpPermissions: ['read', 'chmod'] }] }),
    [
      'config: users[0].ftpPermissions = ["read", "chmod"]: expected a list of strings, each one of "list", "read", "write", "delete", "rename", "mkdir"',
    ],
  );
  assert.deepEqual(messages({ users: [{ name: 'a', password: HASH, ftpHome: '/../etc' }] }), [
    'config: users[0].ftpHome = "/../etc": expected an absolute path inside ftp.root',
  ]);
  assert.deepEqual(messages({ users: { name: 'a' } }), [
    'config: users = a table: expected an array of tables (write each user as [[users]])',
  ]);
  assert.deepEqual(messages({ users: ['a'] }), [
    'config: users[0] = "a": expected a table (write each user as [[users]])',
  ]);
});

test('users with the same name or mailbox are refused', () => {
  assert.deepEqual(
    messages({
      users: [
        { name: 'a', password: HASH, mail: ['x@example.test'] },
        { name: 'a', password: HASH },
        { name: 'b', password: HASH, mail: ['X@example.test'] },
      ],
    }),
    [
      'config: users[1].name = "a": expected a name not already used by users[0]',
      'config: users[2].mail = "X@example.test": expected an address not already given to a',
    ],
  );
});

test('two listeners on the same port and transport are refused', () => {
  assert.deepEqual(messages({ ftp: { port: 10080 } }), [
    'config: http.port = 10080: expected a port not already used by ftp (127.0.0.1:10080/tcp)',
  ]);
  assert.deepEqual(messages({ dns: { address: '::' }, echo: { port: 10053 } }), [
    'config: dns.port = 10053: expected a port not already used by echo (127.0.0.1:10053/tcp)',
    'config: dns.port = 10053: expected a port not already used by echo (127.0.0.1:10053/udp)',
  ]);
});

test('listeners that cannot collide are accepted', () => {
  // Different addresses, a disabled service, port 0 twice, and the same port on TCP vs UDP only.
  effectiveConfig({ ftp: { port: 10080, address: '127.0.0.2' } });
  effectiveConfig({ ftp: { port: 10080 }, http: { enabled: false } });
  effectiveConfig({ ftp: { port: 0 }, http: { port: 0 } });
  effectiveConfig({ dns: { tcp: false }, http: { port: 10053 } });
  effectiveConfig({
    http: { address: '0.0.0.0', port: 9000 },
    ftp: { address: '::1', port: 9000 },
  });
});

test('tls.cert and tls.key must be set together', () => {
  assert.deepEqual(messages({ tls: { cert: 'cert.pem' } }), [
    'config: tls.key = "": expected tls.cert and tls.key to be set together, or both ""',
  ]);
  effectiveConfig({ tls: { cert: 'cert.pem', key: 'key.pem' } });
});

test('smtp.catchAll and finger.users must name configured users', () => {
  assert.deepEqual(messages({ smtp: { catchAll: 'bob' }, finger: { users: ['carol'] } }), [
    'config: smtp.catchAll = "bob": expected "" or the name of a user in [[users]]',
    'config: finger.users = "carol": expected the name of a user in [[users]]',
  ]);
  assert.equal(effectiveConfig({ smtp: { catchAll: 'demo' } }).smtp.catchAll, 'demo');
});

test('TOML dates and nested tables where a value belongs are refused, not crashed on', () => {
  assert.deepEqual(messages({ http: { port: new Date(0) } }), [
    'config: http.port = 1970-01-01T00:00:00.000Z: expected an integer from 0 to 65535',
  ]);
  assert.deepEqual(messages({ http: { port: { a: 1 } } }), [
    'config: http.port = a table: expected an integer from 0 to 65535',
  ]);
});

test('the effective config is frozen so no service can change what others see', () => {
  const config = effectiveConfig();
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.http.limits));
  assert.ok(Object.isFrozen(config.users[0]?.mail));
  assert.throws(() => {
    (config.http as { port: number }).port = 1;
  }, TypeError);
});

test('random JavaScript values as the config table give a result or issues, never a crash', () => {
  fc.assert(
    fc.property(fc.object({ maxDepth: 3 }), (table) => {
      const result = tryEffectiveConfig(table);
      if (!result.ok) for (const i of result.issues) assert.match(i.message, /^config: /);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.dictionary(fc.constantFrom('http', 'dns', 'users', 'log', 'ftp'), fc.anything()),
      (table) => {
        tryEffectiveConfig(table);
      },
    ),
    { numRuns: 300 },
  );
});
