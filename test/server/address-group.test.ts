import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressGroup } from '../../src/server/address-group.js';
import { ConnectionCounter } from '../../src/server/limits.js';

test('addressGroup() keeps IPv4, maps IPv4-mapped IPv6 to IPv4 and folds other IPv6 to its /64', () => {
  assert.equal(addressGroup('192.0.2.7'), '192.0.2.7');
  assert.equal(addressGroup('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressGroup('::FFFF:c000:0207'), '192.0.2.7');
  assert.equal(addressGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(addressGroup('2001:DB8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(addressGroup('2001:db8:1:3::1'), '2001:db8:1:3::/64');
  assert.equal(addressGroup('fe80::1%eth0'), 'fe80::/64');
  assert.equal(addressGroup('::1'), '::/64');
  assert.equal(addressGroup('unix'), 'unix');
  assert.equal(addressGroup('not:an:address'), 'not:an:address');
});

test('ConnectionCounter counts every address of one IPv6 /64 as one client', () => {
  const counter = new ConnectionCounter({ maxConnections: 100, maxConnectionsPerAddress: 2 });
  const a = counter.tryAcquire('2001:db8:1:2::1');
  const b = counter.tryAcquire('2001:db8:1:2:ffff::9');
  assert.equal(typeof a, 'function');
  assert.equal(typeof b, 'function');
  const third = counter.tryAcquire('2001:db8:1:2:1234:5678:9abc:def0');
  assert.deepEqual(third, {
    refused: 'too many connections from 2001:db8:1:2::/64 (limit 2)',
  });
  // Another /64 is another client.
  assert.equal(typeof counter.tryAcquire('2001:db8:1:3::1'), 'function');
  if (typeof a === 'function') a();
  assert.equal(typeof counter.tryAcquire('2001:db8:1:2::77'), 'function', 'a slot freed');
});

test('ConnectionCounter counts an IPv4-mapped IPv6 peer as its IPv4 address', () => {
  const counter = new ConnectionCounter({ maxConnections: 100, maxConnectionsPerAddress: 1 });
  assert.equal(typeof counter.tryAcquire('192.0.2.7'), 'function');
  assert.deepEqual(counter.tryAcquire('::ffff:192.0.2.7'), {
    refused: 'too many connections from 192.0.2.7 (limit 1)',
  });
});
