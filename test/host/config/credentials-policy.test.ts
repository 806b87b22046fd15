import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCredentialsPolicy, effectiveConfig } from '../../../src/host/config/index.js';

const HASH =
  'scrypt$N=16384,r=8,p=1$VT1UeV8Vh4Q2WRtZ5oaavQ==$Rqzk4lpHiTsVyOZaTyIkwySno3zA3vTMaQEsFTLtyEg=';

test('the sample user is allowed while every listener is on loopback', () => {
  assert.deepEqual(checkCredentialsPolicy(effectiveConfig()), { ok: true });
  for (const address of ['127.0.0.1', '127.5.6.7', '::1', '0:0:0:0:0:0:0:1', 'localhost']) {
    const config = effectiveConfig({}, { sets: [`http.address=${address}`] });
    assert.deepEqual(checkCredentialsPolicy(config), { ok: true }, address);
  }
});

test('the sample user is refused when a service that logs users in is on a non-loopback address', () => {
  const config = effectiveConfig({}, { sets: ['ftp.address=0.0.0.0', 'pop3.address=::'] });
  const verdict = checkCredentialsPolicy(config);
  assert.equal(verdict.ok, false);
  if (!verdict.ok) {
    assert.deepEqual(verdict.listeners, ['ftp 0.0.0.0:10021', 'pop3 [::]:10110']);
    assert.match(verdict.reason, /^config: refusing to listen on non-loopback addresses/);
    assert.match(verdict.reason, /sample user demo\/demo/);
    assert.match(verdict.reason, /\[\[users\]\]/);
  }
  for (const address of ['192.0.2.1', 'example.test', '::ffff:10.0.0.1', '128.0.0.1']) {
    const single = effectiveConfig({}, { sets: [`smtp.address=${address}`] });
    assert.equal(checkCredentialsPolicy(single).ok, false, address);
  }
});

test('services that log no one in (a site, a zone) may listen anywhere with the sample user', () => {
  const config = effectiveConfig({}, { sets: ['http.address=0.0.0.0', 'dns.address=::'] });
  assert.deepEqual(checkCredentialsPolicy(config), { ok: true });
});

test('a disabled service on a public address does not count', () => {
  const config = effectiveConfig({ ftp: { address: '0.0.0.0', enabled: false } });
  assert.deepEqual(checkCredentialsPolicy(config), { ok: true });
});

test('a config with users of its own may listen anywhere', () => {
  const config = effectiveConfig({
    http: { address: '0.0.0.0' },
    users: [{ name: 'alice', password: HASH }],
  });
  assert.deepEqual(checkCredentialsPolicy(config), { ok: true });
});
