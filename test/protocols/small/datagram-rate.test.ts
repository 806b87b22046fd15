import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loop } from '../../../src/dispatch/index.js';
import { startSmallService } from '../../../src/protocols/small/index.js';
import { AF_INET, SOCK_DGRAM, Socket, SocketTimeoutError } from '../../../src/socket/index.js';

test('UDP echo answers within the per-address rate and drops the excess, so it cannot amplify', async () => {
  const map = new Map();
  const service = await startSmallService('echo', {
    address: ['127.0.0.1', 0],
    tcp: false,
    map,
    rate: { perSecond: 1, burst: 3, exemptLoopback: false },
  });
  const running = loop({ map });
  const client = new Socket(AF_INET, SOCK_DGRAM);
  try {
    const port = service.udp!.boundAddress[1];
    for (let i = 0; i < 10; i++) await client.sendto(`d${i}`, ['127.0.0.1', port]);
    client.settimeout(0.5);
    const answers: string[] = [];
    for (;;) {
      try {
        const [data] = await client.recvfrom(100);
        answers.push(data.toString());
      } catch (err) {
        if (err instanceof SocketTimeoutError) break;
        throw err;
      }
    }
    assert.deepEqual(answers, ['d0', 'd1', 'd2']);
    assert.equal(service.udp!.refused, 7);
  } finally {
    client.close();
    service.close();
    await running;
  }
});

test('UDP chargen and qotd answer each datagram within the RFC size of 512 bytes', async () => {
  const map = new Map();
  const chargen = await startSmallService('chargen', {
    address: ['127.0.0.1', 0],
    tcp: false,
    map,
    random: () => 0.999,
  });
  const qotd = await startSmallService('qotd', { address: ['127.0.0.1', 0], tcp: false, map });
  const running = loop({ map });
  const client = new Socket(AF_INET, SOCK_DGRAM);
  client.settimeout(5);
  try {
    await client.sendto('x', ['127.0.0.1', chargen.udp!.boundAddress[1]]);
    const [burst] = await client.recvfrom(4096);
    assert.equal(burst.length, 512);
    assert.equal(burst.subarray(0, 5).toString(), '!"#$%');
    await client.sendto('', ['127.0.0.1', qotd.udp!.boundAddress[1]]);
    const [quote] = await client.recvfrom(4096);
    assert.ok(quote.length > 0 && quote.length <= 512);
  } finally {
    client.close();
    chargen.close();
    qotd.close();
    await running;
  }
});
