import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAddressInfo } from '../../src/cli/resolve-command.js';
import { formatServices } from '../../src/cli/services-command.js';
import { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM } from '../../src/socket/index.js';

test('formatAddressInfo() aligns the columns and shows the port only when asked', () => {
  const infos = [
    [AF_INET6, SOCK_STREAM, 6, 'localhost', ['::1', 80, 0, 0]],
    [AF_INET, SOCK_DGRAM, 17, '', ['127.0.0.1', 80]],
  ] as const;
  assert.equal(
    formatAddressInfo(infos, true),
    'FAMILY    TYPE         PROTO  CANONNAME  ADDRESS\n' +
      'AF_INET6  SOCK_STREAM  tcp    localhost  [::1]:80\n' +
      'AF_INET   SOCK_DGRAM   udp    -          127.0.0.1:80\n',
  );
  assert.match(formatAddressInfo(infos, false), /localhost {2}::1\n/);
});

test('formatServices() lays entries out as /etc/services does, without trailing spaces', () => {
  assert.equal(
    formatServices([
      { name: 'ssh', port: 22, proto: 'tcp', aliases: [] },
      { name: 'http', port: 80, proto: 'tcp', aliases: ['www', 'www-http'] },
    ]),
    'ssh   22/tcp\nhttp  80/tcp  www www-http\n',
  );
  assert.equal(formatServices([]), '');
});
