import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reverseName } from '../../../src/protocols/dns/codec/reverse-name.js';

test('reverseName() builds in-addr.arpa and ip6.arpa names as dig -x does', () => {
  assert.equal(reverseName('127.0.0.1'), '1.0.0.127.in-addr.arpa');
  assert.equal(
    reverseName('2001:db8::567:89ab'),
    'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
  );
  assert.throws(() => reverseName('example.test'), RangeError);
});
