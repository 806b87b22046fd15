/**
 * Hostile peers against HTTP and HTTPS: slow, silent, resetting, non-reading, half-closing,
 * garbage-sending and flooding clients each affect only their own connection.
 */
import assert from 'node:assert/strict';
import { BIG_FILE_SIZE, hostileSuite, SERVER_ACTS_WITHIN } from './support/hostile-host.js';
import { connectTls, garbage } from './support/raw-client.js';
import { clientHello, onlyTlsRecords } from './support/tls-hello.js';

const hostileCase = hostileSuite(['http', 'https']);
const GET_BIG = 'GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n';

hostileCase('http', 'silent', 'a client that never sends a byte is closed', async (t) => {
  const client = await t.connect('http');
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('http', 'slowloris', 'a request head sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('http', { toServer: { dribble: { bytes: 1, everyMs: 100 } } });
  const client = await t.connect(proxy.port);
  client.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(200)}\r\n\r\n`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.doesNotMatch(client.text, /^HTTP\/1\.1 200/, 'the slow request was not served');
});

for (const offset of [0, 1000, 100_000]) {
  hostileCase('http', 'reset-download', `a download reset after ${offset} bytes`, async (t) => {
    const proxy = await t.proxy('http', { toClient: { resetAt: offset } });
    const client = await t.connect(proxy.port);
    client.write(GET_BIG);
    await client.closedByServer();
  });
}

for (const offset of [5, 20]) {
  hostileCase('http', 'reset-request', `a request head reset after ${offset} bytes`, async (t) => {
    const proxy = await t.proxy('http', { toServer: { resetAt: offset } });
    const client = await t.connect(proxy.port);
    client.write(GET_BIG);
    await client.closedByServer();
  });
}

hostileCase(
  'http',
  'never-reads',
  'a client that never reads its download is let go',
  async (t) => {
    const proxy = await t.proxy('http', { toClient: { stallAt: 0 } });
    const client = await t.connect(proxy.port);
    client.write(GET_BIG);
    // Checked by the descriptor count: the server must give up on its own (writeTimeout).
  },
);

hostileCase(
  'http',
  'never-reads',
  'pipelined requests from a client that never reads stay bounded',
  async (t) => {
    const proxy = await t.proxy('http', { toClient: { stallAt: 0 } });
    const client = await t.connect(proxy.port);
    client.write(GET_BIG.repeat(2000));
  },
);

hostileCase(
  'http',
  'half-close',
  'a request followed by a FIN gets its whole response',
  async (t) => {
    const client = await t.connect('http');
    client.end(GET_BIG);
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.match(client.text, /^HTTP\/1\.1 200 /);
    const body = client.received.length - client.text.indexOf('\r\n\r\n') - 4;
    assert.equal(
      body,
      BIG_FILE_SIZE,
      `the whole body arrived (the connection ended: ${client.ending})`,
    );
  },
);

hostileCase('http', 'garbage', 'random bytes get 400 and a close', async (t) => {
  const client = await t.connect('http');
  client.write(garbage(4096));
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /^HTTP\/1\.1 400 /);
});

hostileCase(
  'http',
  'flood',
  'a header block past maxRequestSize gets 431 or 400 and a close',
  async (t) => {
    const client = await t.connect('http');
    client.write(
      `GET / HTTP/1.1\r\nHost: x\r\n${'X-Flood: yyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(10_000)}`,
    );
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.match(client.text, /^HTTP\/1\.1 (431|400) /);
  },
);

hostileCase('http', 'flood', 'a line without an end is refused at maxRequestSize', async (t) => {
  const client = await t.connect('http');
  client.write(`GET /${'a'.repeat(1024 * 1024)}`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /^HTTP\/1\.1 (414|431|400) /);
});

hostileCase(
  'https',
  'tls-silent',
  'a TLS client that never sends a ClientHello is closed',
  async (t) => {
    const client = await t.connect('https');
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(client.received), `plaintext on a TLS port: ${client.text}`);
  },
);

hostileCase(
  'https',
  'tls-mid-handshake',
  'half a ClientHello, then nothing, is closed',
  async (t) => {
    const hello = await clientHello();
    const client = await t.connect('https');
    client.write(hello.subarray(0, Math.floor(hello.length / 2)));
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(client.received), `plaintext on a TLS port: ${client.text}`);
  },
);

hostileCase(
  'https',
  'tls-mid-handshake',
  'a whole ClientHello and no second flight is closed',
  async (t) => {
    const client = await t.connect('https');
    client.write(await clientHello());
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(client.received), `plaintext on a TLS port: ${client.text}`);
  },
);

hostileCase('https', 'slowloris', 'a ClientHello sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('https', { toServer: { dribble: { bytes: 1, everyMs: 50 } } });
  const client = await t.connect(proxy.port);
  client.write(await clientHello());
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase(
  'https',
  'garbage',
  'plaintext HTTP on the TLS port gets no plaintext answer',
  async (t) => {
    const client = await t.connect('https');
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(client.received), `plaintext on a TLS port: ${client.text}`);
  },
);

hostileCase(
  'https',
  'garbage',
  'random bytes on the TLS port get no plaintext answer',
  async (t) => {
    const client = await t.connect('https');
    client.write(garbage(4096, 2));
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(client.received), `plaintext on a TLS port: ${client.text}`);
  },
);

for (const offset of [0, 3000, 100_000]) {
  hostileCase(
    'https',
    'reset-download',
    `a TLS download reset after ${offset} bytes`,
    async (t) => {
      const proxy = await t.proxy('https', { toClient: { resetAt: offset } });
      const client = t.adopt(
        (await connectTls(proxy.port).then(
          (c) => c.client,
          (err: Error) => {
            // A reset inside the handshake fails the handshake: that is this case's outcome too.
            assert.ok(offset < 5000, err.message);
            return null;
          },
        )) ?? (await t.connect(proxy.port)),
      );
      client.write(GET_BIG);
      await client.closedByServer();
    },
  );
}

hostileCase(
  'https',
  'never-reads',
  'a TLS client that never reads its download is let go',
  async (t) => {
    const proxy = await t.proxy('https', { toClient: { stallAt: 20_000 } });
    const { client } = await connectTls(proxy.port);
    t.adopt(client);
    client.write(GET_BIG);
  },
);

hostileCase(
  'https',
  'half-close',
  'a TLS request followed by close_notify gets its whole response',
  async (t) => {
    const client = await t.connectTls('https');
    client.end(GET_BIG);
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.match(client.text, /^HTTP\/1\.1 200 /);
    const body = client.received.length - client.text.indexOf('\r\n\r\n') - 4;
    assert.equal(
      body,
      BIG_FILE_SIZE,
      `the whole body arrived (the connection ended: ${client.ending})`,
    );
  },
);

hostileCase(
  'http',
  'slowloris',
  'a keep-alive connection left idle after its response is closed',
  async (t) => {
    const client = await t.connect('http');
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.until(/^HTTP\/1\.1 200 /);
    await client.closedByServer(SERVER_ACTS_WITHIN);
  },
);

hostileCase(
  'https',
  'slowloris',
  'a request head inside TLS sent a byte at a time is cut off',
  async (t) => {
    const client = await t.connectTls('https');
    const head = `GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(100)}\r\n\r\n`;
    let at = 0;
    const timer = setInterval(() => {
      if (at < head.length && client.ending === 'open') client.write(head[at++]!);
    }, 100);
    try {
      await client.closedByServer(SERVER_ACTS_WITHIN);
    } finally {
      clearInterval(timer);
    }
    assert.doesNotMatch(client.text, /^HTTP\/1\.1 200/, 'the slow request was not served');
  },
);
