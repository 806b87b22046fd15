import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONFIG_KEYS,
  ConfigError,
  effectiveConfig,
  SAMPLE_USER,
  SERVICES,
  tryEffectiveConfig,
} from '../../../src/host/config/index.js';
import { verifyPassword } from '../../../src/host/password.js';

const HASH =
  'scrypt$N=16384,r=8,p=1$VT1UeV8Vh4Q2WRtZ5oaavQ==$Rqzk4lpHiTsVyOZaTyIkwySno3zA3vTMaQEsFTLtyEg=';

test('effectiveConfig() with no file gives every service on loopback at the well-known port + 10000', () => {
  const config = effectiveConfig();
  assert.equal(config.dataDir, './polyport-data');
  assert.equal(config.portOffset, 10000);
  const expected: Record<string, number> = {
    echo: 10007,
    discard: 10009,
    daytime: 10013,
    qotd: 10017,
    chargen: 10019,
    ftp: 10021,
    smtp: 10025,
    time: 10037,
    dns: 10053,
    finger: 10079,
    http: 10080,
    pop3: 10110,
    https: 10443,
    admin: 10001,
  };
  for (const [name, port] of Object.entries(expected)) {
    const service = config[name as keyof typeof config] as {
      enabled: boolean;
      address: string;
      port: number;
    };
    assert.equal(service.port, port, name);
    assert.equal(service.enabled, true, name);
    assert.equal(service.address, '127.0.0.1', name);
  }
});

test('effectiveConfig() defaults let a local load test of a few hundred connections through', () => {
  const config = effectiveConfig();
  for (const { name } of SERVICES) {
    const limits = (
      config[name as 'http'] as {
        limits: { maxConnections: number; maxConnectionsPerAddress: number };
      }
    ).limits;
    assert.ok(limits.maxConnections >= 1024, name);
    assert.ok(limits.maxConnectionsPerAddress >= 256, name);
  }
  assert.equal(config.dns.limits.udpRate, 1000);
  assert.equal(config.dns.limits.udpBurst, 2000);
  assert.equal(config.http.limits.idleTimeout, 300);
  assert.equal(config.http.limits.readTimeout, 30);
});

test('effectiveConfig() fills in the service-specific defaults', () => {
  const config = effectiveConfig();
  assert.equal(config.http.root, './polyport-data/www');
  assert.equal(config.https.root, './polyport-data/www');
  assert.equal(config.ftp.root, './polyport-data/ftp');
  assert.equal(config.ftp.passivePorts, null);
  assert.equal(config.ftp.passiveAddress, '');
  assert.equal(config.ftp.anonymous, false);
  assert.equal(config.ftp.requireTls, false);
  assert.deepEqual(config.smtp.domains, ['localhost', 'example.test']);
  assert.equal(config.smtp.maxMessageSize, 32 * 1024 * 1024);
  assert.equal(config.smtp.maxRecipients, 100);
  assert.equal(config.smtp.catchAll, '');
  assert.equal(config.pop3.allowPlaintext, true);
  assert.deepEqual(config.dns.zones, []);
  assert.deepEqual(config.dns.forwarders, []);
  assert.deepEqual(config.finger.users, []);
  assert.equal(config.finger.allowForwarding, false);
  assert.equal(config.qotd.file, '');
  assert.deepEqual(config.tls, { cert: '', key: '', ciphers: '' });
  assert.deepEqual(config.log, { level: 'info', format: 'pretty' });
});

test('effectiveConfig() adds the sample user demo/demo only when the config defines no users', async () => {
  const bare = effectiveConfig();
  assert.equal(bare.sampleUsers, true);
  assert.deepEqual(bare.users, [SAMPLE_USER]);
  assert.deepEqual(SAMPLE_USER.mail, ['demo@example.test']);
  assert.equal(await verifyPassword('demo', SAMPLE_USER.password), true);
  const own = effectiveConfig({ users: [{ name: 'alice', password: HASH }] });
  assert.equal(own.sampleUsers, false);
  assert.deepEqual(own.users, [
    {
      name: 'alice',
      password: HASH,
      mail: [],
      ftpHome: '/',
      ftpPermissions: ['list', 'read'],
      realName: '',
      plan: '',
    },
  ]);
  assert.equal(effectiveConfig({ users: [] }).sampleUsers, true);
});

test('portOffset shifts every default port, the admin port too, and leaves explicit ports alone', () => {
  const config = effectiveConfig({ portOffset: 20000, http: { port: 8080 } });
  assert.equal(config.ftp.port, 20021);
  assert.equal(config.dns.port, 20053);
  assert.equal(config.https.port, 20443);
  assert.equal(config.http.port, 8080);
  assert.equal(config.admin.port, 20001);
  const real = effectiveConfig({ portOffset: 0, admin: { enabled: false } });
  assert.equal(real.echo.port, 7);
  assert.equal(real.pop3.port, 110);
  assert.equal(real.https.port, 443);
});

test('portOffset at its maximum keeps every default port in range', () => {
  const config = effectiveConfig({ portOffset: 65000 });
  assert.equal(config.https.port, 65443);
  assert.throws(
    () => effectiveConfig({ portOffset: 65001 }),
    /portOffset = 65001: expected an integer from 0 to 65000/,
  );
});

test('dataDir moves every default root with it', () => {
  const config = effectiveConfig({ dataDir: '/srv/polyport/' });
  assert.equal(config.http.root, '/srv/polyport/www');
  assert.equal(config.ftp.root, '/srv/polyport/ftp');
  assert.equal(effectiveConfig({ http: { root: './site' } }).https.root, './site');
});

test('pop3.allowPlaintext defaults to true on loopback and false elsewhere', () => {
  const users = [{ name: 'alice', password: HASH }];
  assert.equal(effectiveConfig({ pop3: { address: '::1' } }).pop3.allowPlaintext, true);
  assert.equal(effectiveConfig({ users, pop3: { address: '0.0.0.0' } }).pop3.allowPlaintext, false);
  assert.equal(
    effectiveConfig({ users, pop3: { address: '0.0.0.0', allowPlaintext: true } }).pop3
      .allowPlaintext,
    true,
  );
});

test('effectiveConfig() gives a value for every schema key', () => {
  const config = effectiveConfig();
  for (const key of CONFIG_KEYS.keys()) {
    let node: unknown = config;
    for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
    assert.notEqual(node, undefined, key);
  }
});

test('tryEffectiveConfig() returns the issues instead of throwing them', () => {
  const result = tryEffectiveConfig({ http: { port: -1 } });
  assert.equal(result.ok, false);
  assert.throws(() => effectiveConfig({ http: { port: -1 } }), ConfigError);
});
