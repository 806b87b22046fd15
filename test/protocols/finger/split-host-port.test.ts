import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitHostPort } from '../../../src/protocols/finger/index.js';

test('splitHostPort() takes the port after the last colon of a name or IPv4 address', () => {
  assert.deepEqual(splitHostPort('host.test', 79), { host: 'host.test', port: 79 });
  assert.deepEqual(splitHostPort('127.0.0.1:10079', 79), { host: '127.0.0.1', port: 10079 });
});

test('splitHostPort() reads an IPv6 address in brackets, with or without a port', () => {
  assert.deepEqual(splitHostPort('[::1]', 79), { host: '::1', port: 79 });
  assert.deepEqual(splitHostPort('[::1]:10079', 79), { host: '::1', port: 10079 });
});

test('splitHostPort() leaves a bare IPv6 address and a non-numeric port in the host', () => {
  assert.deepEqual(splitHostPort('::1', 79), { host: '::1', port: 79 });
  assert.deepEqual(splitHostPort('host:finger', 79), { host: 'host:finger', port: 79 });
});
