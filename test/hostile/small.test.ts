/**
 * Hostile peers against finger and the small services (echo, discard, daytime, chargen, time,
 * qotd): silent, slow, garbage, floods, resets, half-close, readers that never read, and UDP
 * floods from one address.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { hostileSuite, SERVER_ACTS_WITHIN } from './support/hostile-host.js';
import { garbage } from './support/raw-client.js';

const SMALL = ['echo', 'discard', 'daytime', 'chargen', 'time', 'qotd'];
const hostileCase = hostileSuite(['finger', ...SMALL]);

hostileCase('finger', 'silent', 'a client that never sends a query is closed', async (t) => {
  const client = await t.connect('finger');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('finger', 'slowloris', 'a query sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('finger', { toServer: { dribble: { bytes: 1, everyMs: 100 } } });
  const client = await t.connect(proxy.port);
  client.write(`${'u'.repeat(200)}\r\n`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('finger', 'garbage', 'random bytes get an error or a close', async (t) => {
  const client = await t.connect('finger');
  client.write(garbage(900, 8));
  client.write('\r\n');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('finger', 'flood', 'a query past maxRequestSize is refused', async (t) => {
  const client = await t.connect('finger');
  client.write('q'.repeat(1024 * 1024));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('finger', 'reset-request', 'a query reset after 2 bytes', async (t) => {
  const proxy = await t.proxy('finger', { toServer: { resetAt: 2 } });
  const client = await t.connect(proxy.port);
  client.write('demo\r\n');
  await client.closedByServer();
});

hostileCase('finger', 'half-close', 'a query followed by a FIN is answered', async (t) => {
  const client = await t.connect('finger');
  client.end('demo\r\n');
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /demo/);
});

hostileCase('echo', 'silent', 'a client that never sends is closed', async (t) => {
  const client = await t.connect('echo');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('echo', 'never-reads', 'a client that sends and never reads is let go', async (t) => {
  const proxy = await t.proxy('echo', { toClient: { stallAt: 0 } });
  const client = await t.connect(proxy.port);
  for (let i = 0; i < 64; i++) client.write(Buffer.alloc(1024 * 1024, 'e'));
});

for (const offset of [0, 100_000]) {
  hostileCase('echo', 'reset-download', `echoed bytes reset after ${offset}`, async (t) => {
    const proxy = await t.proxy('echo', { toClient: { resetAt: offset } });
    const client = await t.connect(proxy.port);
    client.write(Buffer.alloc(1024 * 1024, 'e'));
    await client.closedByServer();
  });
}

hostileCase(
  'echo',
  'half-close',
  'bytes followed by a FIN are echoed whole, then closed',
  async (t) => {
    const client = await t.connect('echo');
    const data = garbage(500_000, 9);
    client.end(data);
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(client.received.equals(data));
  },
);

hostileCase('discard', 'silent', 'a client that never sends is closed', async (t) => {
  const client = await t.connect('discard');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('discard', 'flood', 'a flood of bytes, then a reset', async (t) => {
  const client = await t.connect('discard');
  for (let i = 0; i < 32; i++) client.write(Buffer.alloc(1024 * 1024, 'd'));
  await new Promise((r) => client.socket.once('drain', r));
  client.reset();
});

hostileCase('chargen', 'never-reads', 'a client that never reads is let go', async (t) => {
  const proxy = await t.proxy('chargen', { toClient: { stallAt: 0 } });
  await t.connect(proxy.port);
});

for (const offset of [0, 1000, 1_000_000]) {
  hostileCase('chargen', 'reset-download', `the stream reset after ${offset} bytes`, async (t) => {
    const proxy = await t.proxy('chargen', { toClient: { resetAt: offset } });
    const client = await t.connect(proxy.port);
    await client.closedByServer();
  });
}

for (const service of ['daytime', 'time', 'qotd']) {
  hostileCase(service, 'reset-download', 'a client that resets at once', async (t) => {
    const client = await t.connect(service);
    client.reset();
  });
  hostileCase(service, 'never-reads', 'a client that never reads', async (t) => {
    const proxy = await t.proxy(service, { toClient: { stallAt: 0 } });
    await t.connect(proxy.port);
  });
  hostileCase(service, 'garbage', 'bytes sent to a service that only speaks', async (t) => {
    const client = await t.connect(service);
    client.write(garbage(10_000, 10));
    await client.closedByServer(SERVER_ACTS_WITHIN);
  });
}

for (const service of ['echo', 'chargen', 'daytime']) {
  hostileCase(
    `${service}-udp`,
    'flood',
    'a flood from one address leaves another answered',
    async (t) => {
      const udp = createSocket('udp4');
      try {
        udp.bind(0, '127.0.0.2');
        await once(udp, 'listening');
        for (let i = 0; i < 10_000; i++) udp.send('x', t.h.port(service, 'udp'), '127.0.0.1');
        // Another address is answered. The kernel may drop datagrams while the server's
        // receive buffer is full of the flood, so 127.0.0.1 asks every 100 ms (5 s at most).
        const other = createSocket('udp4');
        const ask = (): void => other.send('y', t.h.port(service, 'udp'), '127.0.0.1');
        const timer = setInterval(ask, 100);
        try {
          ask();
          let giveUp: NodeJS.Timeout | undefined;
          await Promise.race([
            once(other, 'message'),
            new Promise((_, reject) => {
              giveUp = setTimeout(
                () => reject(new Error('another address got no answer in 5 s')),
                5000,
              );
            }),
          ]).finally(() => clearTimeout(giveUp));
        } finally {
          clearInterval(timer);
          other.close();
        }
      } finally {
        udp.close();
      }
    },
  );
}
