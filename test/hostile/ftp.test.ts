/**
 * Hostile peers against FTP: the control connection (silent, slow, garbage, floods, resets,
 * half-close), data connections both ways (resets at offsets, a reader that never reads, an
 * upload that stalls, a data connection never opened) and FTPS (AUTH TLS, then a stalled or
 * plaintext client). An upload lands whole or not at all.
 */
import assert from 'node:assert/strict';
import type { CaseHarness } from './support/hostile-host.js';
import { hostileSuite, SERVER_ACTS_WITHIN } from './support/hostile-host.js';
import { connectTls, garbage, type RawClient } from './support/raw-client.js';
import { clientHello, onlyTlsRecords } from './support/tls-hello.js';

const hostileCase = hostileSuite(['ftp']);

/** Logs in as demo and opens a passive data port (binary); returns the control and the port. */
async function loggedIn(t: CaseHarness): Promise<RawClient> {
  const control = await t.connect('ftp');
  await control.expect(/^220 .*\r\n/m);
  await control.command('USER demo', /^331 .*\r\n/m);
  await control.command('PASS demo', /^230 .*\r\n/m);
  await control.command('TYPE I', /^200 .*\r\n/m);
  return control;
}

async function passivePort(control: RawClient): Promise<number> {
  const match = await control.command('EPSV', /^229 .*\(\|\|\|(\d+)\|\)\r\n/m);
  return Number(match[1]);
}

/** Waits for the control connection's verdict on a broken transfer. */
async function transferFailed(control: RawClient): Promise<void> {
  const reply = await control.expect(/^(\d{3}) .*\r\n/m, SERVER_ACTS_WITHIN);
  // 425, 426 or 451 end the transfer (RFC 959 4.2 lists them after 150); a 421 would be the
  // whole session ending, not the transfer failing.
  assert.match(
    reply[1]!,
    /^(425|426|451)$/,
    `a broken transfer gets 425, 426 or 451, not ${reply[0]}`,
  );
  // The session goes on after a failed transfer.
  await control.command('NOOP', /^200 .*\r\n/m);
}

hostileCase('ftp', 'silent', 'a client that never sends a command is closed', async (t) => {
  const client = await t.connect('ftp');
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /^220 /);
});

hostileCase('ftp', 'slowloris', 'a command line sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('ftp', { toServer: { dribble: { bytes: 1, everyMs: 100 } } });
  const client = await t.connect(proxy.port);
  client.write(`USER ${'d'.repeat(200)}\r\n`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('ftp', 'garbage', 'random bytes get errors and the session ends', async (t) => {
  const client = await t.connect('ftp');
  await client.expect(/^220 .*\r\n/m);
  client.write(garbage(4096, 3));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('ftp', 'flood', 'a command line past maxRequestSize is refused', async (t) => {
  const client = await t.connect('ftp');
  await client.expect(/^220 .*\r\n/m);
  client.write(`USER ${'a'.repeat(1024 * 1024)}`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /\r\n(500|501|421) /);
});

for (const offset of [3, 15]) {
  hostileCase(
    'ftp',
    'reset-control',
    `the control connection reset after ${offset} bytes`,
    async (t) => {
      const proxy = await t.proxy('ftp', { toServer: { resetAt: offset } });
      const client = await t.connect(proxy.port);
      await client.expect(/^220 .*\r\n/m);
      client.write('USER demo\r\nPASS demo\r\n');
      await client.closedByServer();
    },
  );
}

hostileCase(
  'ftp',
  'half-close',
  'commands followed by a FIN are answered, then closed',
  async (t) => {
    const client = await t.connect('ftp');
    await client.expect(/^220 .*\r\n/m);
    client.end('USER demo\r\nPASS demo\r\nPWD\r\n');
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.match(client.text, /\r\n257 /);
  },
);

for (const offset of [0, 1000, 100_000]) {
  hostileCase(
    'ftp-data',
    'reset-download',
    `a RETR data connection reset after ${offset} bytes`,
    async (t) => {
      const control = await loggedIn(t);
      const proxy = await t.proxy(await passivePort(control), { toClient: { resetAt: offset } });
      await t.connect(proxy.port);
      await control.command('RETR /pub/big.bin', /^1[25]0 .*\r\n/m);
      await transferFailed(control);
    },
  );
}

hostileCase(
  'ftp-data',
  'never-reads',
  'a RETR whose data connection is never read is let go',
  async (t) => {
    const control = await loggedIn(t);
    const proxy = await t.proxy(await passivePort(control), { toClient: { stallAt: 0 } });
    await t.connect(proxy.port);
    await control.command('RETR /pub/big.bin', /^1[25]0 .*\r\n/m);
    await transferFailed(control);
  },
);

hostileCase(
  'ftp-data',
  'never-connects',
  'a passive port never connected to is given up',
  async (t) => {
    const control = await loggedIn(t);
    await passivePort(control);
    control.write('RETR /pub/big.bin\r\n');
    const reply = await control.expect(/^(\d{3}) .*\r\n/m, SERVER_ACTS_WITHIN);
    assert.match(reply[1]!, /^(425|150)$/);
    if (reply[1] === '150') await transferFailed(control);
  },
);

for (const offset of [0, 1000, 100_000]) {
  hostileCase(
    'ftp-upload',
    'reset-upload',
    `a STOR reset after ${offset} bytes stores nothing`,
    async (t) => {
      const control = await loggedIn(t);
      const proxy = await t.proxy(await passivePort(control), { toServer: { resetAt: offset } });
      const data = await t.connect(proxy.port);
      await control.command('STOR /upload/hostile.bin', /^1[25]0 .*\r\n/m);
      data.write(Buffer.alloc(1024 * 1024, 'u'));
      await transferFailed(control);
    },
  );
}

hostileCase(
  'ftp-upload',
  'slowloris',
  'a STOR that stops sending is cut off and stores nothing',
  async (t) => {
    const control = await loggedIn(t);
    const data = await t.connect(await passivePort(control));
    await control.command('STOR /upload/hostile.bin', /^1[25]0 .*\r\n/m);
    data.write(Buffer.alloc(1000, 'u'));
    await transferFailed(control);
  },
);

async function afterAuthTls(t: CaseHarness): Promise<RawClient> {
  const control = await t.connect('ftp');
  await control.expect(/^220 .*\r\n/m);
  await control.command('AUTH TLS', /^234 .*\r\n/m);
  return control;
}

/** What the server sent after its 234 reply: must be TLS records only. */
function afterUpgrade(control: RawClient): Buffer {
  const text = control.text;
  return control.received.subarray(text.indexOf('\r\n', text.indexOf('234 ')) + 2);
}

hostileCase('ftps', 'tls-silent', 'AUTH TLS and then no ClientHello is closed', async (t) => {
  const control = await afterAuthTls(t);
  await control.closedByServer(SERVER_ACTS_WITHIN);
  assert.ok(onlyTlsRecords(afterUpgrade(control)), `plaintext after 234: ${control.text}`);
});

hostileCase('ftps', 'tls-mid-handshake', 'AUTH TLS and half a ClientHello is closed', async (t) => {
  const hello = await clientHello();
  const control = await afterAuthTls(t);
  control.write(hello.subarray(0, 40));
  await control.closedByServer(SERVER_ACTS_WITHIN);
  assert.ok(onlyTlsRecords(afterUpgrade(control)), `plaintext after 234: ${control.text}`);
});

hostileCase(
  'ftps',
  'tls-mid-handshake',
  'AUTH TLS, a ClientHello and no second flight is closed',
  async (t) => {
    const control = await afterAuthTls(t);
    control.write(await clientHello());
    await control.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterUpgrade(control)), `plaintext after 234: ${control.text}`);
  },
);

hostileCase(
  'ftps',
  'garbage',
  'plaintext commands after AUTH TLS get no plaintext answer',
  async (t) => {
    const control = await afterAuthTls(t);
    control.write('USER demo\r\nPASS demo\r\n');
    await control.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterUpgrade(control)), `plaintext after 234: ${control.text}`);
  },
);

/** Logs in over AUTH TLS with PROT P: data connections must be TLS too. */
async function ftpsLoggedIn(t: CaseHarness): Promise<RawClient> {
  const plain = await afterAuthTls(t);
  const { client } = await connectTls(t.h.port('ftp'), plain.socket);
  t.adopt(client, true);
  await client.command('USER demo', /^331 .*\r\n/m);
  await client.command('PASS demo', /^230 .*\r\n/m);
  await client.command('PBSZ 0', /^200 .*\r\n/m);
  await client.command('PROT P', /^200 .*\r\n/m);
  await client.command('TYPE I', /^200 .*\r\n/m);
  return client;
}

hostileCase(
  'ftps-data',
  'tls-silent',
  'a PROT P data connection that never sends a ClientHello is given up',
  async (t) => {
    const control = await ftpsLoggedIn(t);
    const data = await t.connect(await passivePort(control));
    control.write('RETR /pub/big.bin\r\n');
    const reply = await control.expect(/^(\d{3}) .*\r\n/m, SERVER_ACTS_WITHIN);
    if (reply[1] === '150' || reply[1] === '125') await transferFailed(control);
    else assert.match(reply[1]!, /^(425|426)$/);
    assert.ok(onlyTlsRecords(data.received), 'plaintext on a PROT P data connection');
  },
);

for (const offset of [0, 5000, 100_000]) {
  hostileCase(
    'ftps-data',
    'reset-download',
    `a PROT P download reset after ${offset} bytes`,
    async (t) => {
      const control = await ftpsLoggedIn(t);
      const proxy = await t.proxy(await passivePort(control), { toClient: { resetAt: offset } });
      const raw = await t.connect(proxy.port);
      control.write('RETR /pub/big.bin\r\n');
      // The client side of the data TLS handshake; a reset inside it fails it, which is the case.
      await connectTls(proxy.port, raw.socket).then(
        ({ client }) => t.adopt(client, true),
        () => undefined,
      );
      await control.expect(/^1[25]0 .*\r\n/m);
      await transferFailed(control);
    },
  );
}

hostileCase(
  'ftps-data',
  'reset-upload',
  'a PROT P upload reset after 100000 bytes stores nothing',
  async (t) => {
    const control = await ftpsLoggedIn(t);
    const proxy = await t.proxy(await passivePort(control), { toServer: { resetAt: 100_000 } });
    const raw = await t.connect(proxy.port);
    control.write('STOR /upload/hostile-tls.bin\r\n');
    const { client } = await connectTls(proxy.port, raw.socket);
    t.adopt(client, true);
    await control.expect(/^1[25]0 .*\r\n/m);
    client.write(Buffer.alloc(1024 * 1024, 'u'));
    await transferFailed(control);
  },
);
