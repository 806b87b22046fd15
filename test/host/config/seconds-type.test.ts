/** secondsType(): timeouts in seconds, to the millisecond, so tests and labs can use 0.3 s. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveConfig } from '../../../src/host/config/index.js';
import { secondsType } from '../../../src/host/config/value-types.js';

test('secondsType() takes whole and fractional seconds up to the millisecond', () => {
  const type = secondsType(86_400);
  assert.equal(type.fromText('0.3'), 0.3);
  assert.equal(type.fromText('10'), 10);
  assert.equal(type.fromText('1_000.125'), 1000.125);
  assert.equal(type.fromToml(0.25), 0.25);
  assert.equal(type.fromToml(0), 0);
});

test('secondsType() refuses negatives, more than 3 decimals, text and values over the maximum', () => {
  const type = secondsType(86_400);
  for (const text of ['-1', '0.0001', 'ten', '1e3', '86401', '']) {
    assert.equal(type.fromText(text), undefined, text);
  }
  for (const value of [-0.5, 0.0004, 86_401, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
    assert.equal(type.fromToml(value), undefined, String(value));
  }
});

test('every timeout key of a service takes fractions; handshakeTimeout and writeTimeout default to 10 and 60', () => {
  const config = effectiveConfig(
    {},
    {
      sets: [
        'https.limits.handshakeTimeout=0.3',
        'http.limits.writeTimeout=0.5',
        'http.limits.readTimeout=0.25',
        'http.limits.idleTimeout=1.5',
      ],
    },
  );
  assert.equal(config.https.limits.handshakeTimeout, 0.3);
  assert.equal(config.http.limits.writeTimeout, 0.5);
  assert.equal(config.http.limits.readTimeout, 0.25);
  assert.equal(config.http.limits.idleTimeout, 1.5);
  assert.equal(config.smtp.limits.handshakeTimeout, 10);
  assert.equal(config.smtp.limits.writeTimeout, 60);
});
