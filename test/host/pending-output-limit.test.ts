import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveConfig, SERVICES } from '../../src/host/config/index.js';
import { limitsOf } from '../../src/host/starters/start-context.js';

test('every service has limits.maxPendingOutput, 1 MiB by default, and the starters pass it on', () => {
  const config = effectiveConfig();
  for (const { name } of SERVICES) {
    const limits = (config[name as 'http'] as { limits: { maxPendingOutput: number } }).limits;
    assert.equal(limits.maxPendingOutput, 1024 * 1024, name);
  }
  assert.equal(limitsOf(config.ftp.limits).maxPendingOutput, 1024 * 1024);
});

test('limits.maxPendingOutput set in the config reaches the server limits', () => {
  const config = effectiveConfig({}, { sets: ['http.limits.maxPendingOutput=65536'] });
  assert.equal(limitsOf(config.http.limits).maxPendingOutput, 65536);
  assert.equal(limitsOf(config.ftp.limits).maxPendingOutput, 1024 * 1024);
});

test('limits.maxPendingOutput under 1024 bytes is refused, naming the key', () => {
  assert.throws(
    () => effectiveConfig({}, { sets: ['dns.limits.maxPendingOutput=10'] }),
    /dns\.limits\.maxPendingOutput/,
  );
});
