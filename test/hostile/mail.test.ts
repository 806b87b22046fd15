/**
 * Hostile peers against SMTP and POP3, plain and upgraded (STARTTLS, STLS): silent, slow,
 * garbage, floods, a DATA reset, cut or stalled at any offset (a mail is delivered whole or not
 * at all), a POP3 session that deletes and then breaks (no delete without QUIT), readers that
 * never read, and TLS upgrades that stall or get plaintext.
 */
import assert from 'node:assert/strict';
import type { CaseHarness } from './support/hostile-host.js';
import { hostileSuite, SERVER_ACTS_WITHIN } from './support/hostile-host.js';
import { garbage, type RawClient } from './support/raw-client.js';
import { clientHello, onlyTlsRecords } from './support/tls-hello.js';

const hostileCase = hostileSuite(['smtp', 'pop3'], ['smtp.maxMessageSize=1048576']);

const BODY = `Subject: hostile\r\n\r\n${'z'.repeat(70)}\r\n`.repeat(3000);

/** The commands before a message's text, as one client sends them (no pipelining). */
async function smtpUntilData(client: RawClient): Promise<number> {
  let sent = 0;
  const step = async (line: string, reply: RegExp): Promise<void> => {
    sent += line.length + 2;
    await client.command(line, reply);
  };
  await client.expect(/^220 .*\r\n/m);
  await step('EHLO hostile.test', /^250 .*\r\n/m);
  await step('MAIL FROM:<a@b.test>', /^250 .*\r\n/m);
  await step('RCPT TO:<demo@example.test>', /^250 .*\r\n/m);
  await step('DATA', /^354 .*\r\n/m);
  return sent;
}

hostileCase('smtp', 'silent', 'a client that never sends a command is closed', async (t) => {
  const client = await t.connect('smtp');
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /^220 /);
});

hostileCase('smtp', 'slowloris', 'a command line sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('smtp', { toServer: { dribble: { bytes: 1, everyMs: 100 } } });
  const client = await t.connect(proxy.port);
  client.write(`EHLO ${'h'.repeat(200)}\r\n`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('smtp', 'garbage', 'random bytes get errors and the session ends', async (t) => {
  const client = await t.connect('smtp');
  await client.expect(/^220 .*\r\n/m);
  client.write(garbage(4096, 4));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('smtp', 'flood', 'a command line past maxRequestSize is refused', async (t) => {
  const client = await t.connect('smtp');
  await client.expect(/^220 .*\r\n/m);
  client.write(`EHLO ${'a'.repeat(1024 * 1024)}`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /\r\n(500|421) /);
});

hostileCase(
  'smtp',
  'flood',
  'a message past maxMessageSize is refused and not delivered',
  async (t) => {
    const client = await t.connect('smtp');
    await smtpUntilData(client);
    client.write(Buffer.alloc(2 * 1024 * 1024, 'm'));
    client.write('\r\n.\r\n');
    await client.expect(/^(552|421|554) .*\r\n/m, SERVER_ACTS_WITHIN);
  },
);

hostileCase(
  'smtp',
  'never-reads',
  'a flood of commands from a client that never reads stays bounded',
  async (t) => {
    const proxy = await t.proxy('smtp', { toClient: { stallAt: 0 } });
    const client = await t.connect(proxy.port);
    client.write('NOOP\r\n'.repeat(200_000));
  },
);

const SMTP_COMMANDS =
  'EHLO hostile.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<demo@example.test>\r\nDATA\r\n';

for (const offset of [0, 10, 100_000]) {
  hostileCase(
    'smtp',
    'reset-data',
    `DATA reset ${offset} bytes into the message delivers nothing`,
    async (t) => {
      // The commands are sent one at a time, so the offset counts from the message's first byte.
      const proxy = await t.proxy('smtp', {
        toServer: { resetAt: SMTP_COMMANDS.length + offset },
      });
      const client = await t.connect(proxy.port);
      assert.equal(await smtpUntilData(client), SMTP_COMMANDS.length);
      client.write(BODY);
      client.write('.\r\n');
      await client.closedByServer();
    },
  );
}

hostileCase(
  'smtp',
  'half-close',
  'a message cut by a FIN before its dot is not delivered',
  async (t) => {
    const client = await t.connect('smtp');
    await smtpUntilData(client);
    client.end(BODY);
    await client.closedByServer(SERVER_ACTS_WITHIN);
  },
);

hostileCase(
  'smtp',
  'slowloris',
  'a message that stops before its dot is cut off and not delivered',
  async (t) => {
    const client = await t.connect('smtp');
    await smtpUntilData(client);
    client.write(BODY.slice(0, 1000));
    await client.closedByServer(SERVER_ACTS_WITHIN);
  },
);

async function afterStartTls(t: CaseHarness): Promise<RawClient> {
  const client = await t.connect('smtp');
  await client.expect(/^220 .*\r\n/m);
  await client.command('EHLO hostile.test', /^250 .*\r\n/m);
  await client.command('STARTTLS', /^220 .*\r\n/m);
  return client;
}

function afterReply(client: RawClient, code: string): Buffer {
  const text = client.text;
  const at = text.lastIndexOf(`\r\n${code}`);
  return client.received.subarray(text.indexOf('\r\n', at + 2) + 2);
}

hostileCase(
  'smtp-starttls',
  'tls-silent',
  'STARTTLS and then no ClientHello is closed',
  async (t) => {
    const client = await afterStartTls(t);
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '220 ')), `plaintext after 220: ${client.text}`);
  },
);

hostileCase(
  'smtp-starttls',
  'tls-mid-handshake',
  'STARTTLS and half a ClientHello is closed',
  async (t) => {
    const client = await afterStartTls(t);
    client.write((await clientHello()).subarray(0, 40));
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '220 ')), `plaintext after 220: ${client.text}`);
  },
);

hostileCase(
  'smtp-starttls',
  'tls-mid-handshake',
  'STARTTLS, a ClientHello and no second flight is closed',
  async (t) => {
    const client = await afterStartTls(t);
    client.write(await clientHello());
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '220 ')), `plaintext after 220: ${client.text}`);
  },
);

hostileCase(
  'smtp-starttls',
  'garbage',
  'plaintext commands after STARTTLS get no plaintext answer',
  async (t) => {
    const client = await afterStartTls(t);
    client.write('MAIL FROM:<a@b.test>\r\n');
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '220 ')), `plaintext after 220: ${client.text}`);
  },
);

async function pop3LoggedIn(client: RawClient): Promise<void> {
  await client.expect(/^\+OK.*\r\n/m);
  await client.command('USER demo', /^\+OK.*\r\n/m);
  await client.command('PASS demo', /^\+OK.*\r\n/m);
}

hostileCase('pop3', 'silent', 'a client that never sends a command is closed', async (t) => {
  const client = await t.connect('pop3');
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /^\+OK/);
});

hostileCase('pop3', 'slowloris', 'a command line sent a byte at a time is cut off', async (t) => {
  const proxy = await t.proxy('pop3', { toServer: { dribble: { bytes: 1, everyMs: 100 } } });
  const client = await t.connect(proxy.port);
  client.write(`USER ${'u'.repeat(200)}\r\n`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('pop3', 'garbage', 'random bytes get -ERR and the session ends', async (t) => {
  const client = await t.connect('pop3');
  await client.expect(/^\+OK.*\r\n/m);
  client.write(garbage(4096, 5));
  await client.closedByServer(SERVER_ACTS_WITHIN);
});

hostileCase('pop3', 'flood', 'a command line past maxRequestSize is refused', async (t) => {
  const client = await t.connect('pop3');
  await client.expect(/^\+OK.*\r\n/m);
  client.write(`USER ${'a'.repeat(1024 * 1024)}`);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /\r\n-ERR/);
});

// The big message was delivered first (its name's time is oldest), so it is message 1.
for (const offset of [0, 1000, 100_000]) {
  hostileCase(
    'pop3',
    'reset-download',
    `DELE, then RETR reset by the client after ${offset} bytes, deletes nothing`,
    async (t) => {
      const client = await t.connect('pop3');
      await pop3LoggedIn(client);
      await client.command('DELE 2', /^\+OK.*\r\n/m);
      const start = client.bytes;
      client.write('RETR 1\r\n');
      await client.waitFor(() => client.bytes >= start + offset, `${offset} bytes of RETR`);
      client.reset();
    },
  );
}

hostileCase(
  'pop3',
  'half-close',
  'DELE followed by a FIN without QUIT deletes nothing',
  async (t) => {
    const client = await t.connect('pop3');
    await pop3LoggedIn(client);
    client.end('DELE 1\r\n');
    await client.closedByServer(SERVER_ACTS_WITHIN);
  },
);

hostileCase('pop3', 'never-reads', 'a RETR never read is let go and deletes nothing', async (t) => {
  const proxy = await t.proxy('pop3', { toClient: { stallAt: 0 } });
  const client = await t.connect(proxy.port);
  client.write('USER demo\r\nPASS demo\r\nDELE 2\r\nRETR 1\r\n');
});

async function afterStls(t: CaseHarness): Promise<RawClient> {
  const client = await t.connect('pop3');
  await client.expect(/^\+OK.*\r\n/m);
  await client.command('STLS', /^\+OK.*\r\n/m);
  return client;
}

hostileCase('pop3-stls', 'tls-silent', 'STLS and then no ClientHello is closed', async (t) => {
  const client = await afterStls(t);
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.ok(onlyTlsRecords(afterReply(client, '+OK')), `plaintext after +OK: ${client.text}`);
});

hostileCase(
  'pop3-stls',
  'tls-mid-handshake',
  'STLS and half a ClientHello is closed',
  async (t) => {
    const client = await afterStls(t);
    client.write((await clientHello()).subarray(0, 40));
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '+OK')), `plaintext after +OK: ${client.text}`);
  },
);

hostileCase(
  'pop3-stls',
  'tls-mid-handshake',
  'STLS, a ClientHello and no second flight is closed',
  async (t) => {
    const client = await afterStls(t);
    client.write(await clientHello());
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '+OK')), `plaintext after +OK: ${client.text}`);
  },
);

hostileCase(
  'pop3-stls',
  'garbage',
  'plaintext commands after STLS get no plaintext answer',
  async (t) => {
    const client = await afterStls(t);
    client.write('USER demo\r\n');
    await client.closedByServer(SERVER_ACTS_WITHIN);
    assert.ok(onlyTlsRecords(afterReply(client, '+OK')), `plaintext after +OK: ${client.text}`);
  },
);

hostileCase('smtp', 'flood', 'failed AUTH after failed AUTH gets the session closed', async (t) => {
  const client = await t.connect('smtp');
  await client.expect(/^220 .*\r\n/m);
  await client.command('EHLO hostile.test', /^250 .*\r\n/m);
  const wrong = Buffer.from('\0demo\0wrong').toString('base64');
  for (let i = 0; i < 100 && client.ending === 'open'; i++) {
    client.write(`AUTH PLAIN ${wrong}\r\n`);
    await client.expect(/^(\d{3}) .*\r\n/m).catch(() => null);
  }
  await client.closedByServer(SERVER_ACTS_WITHIN);
  assert.match(client.text, /\r\n421 /);
});

hostileCase('pop3', 'flood', 'failed PASS after failed PASS gets the session closed', async (t) => {
  const client = await t.connect('pop3');
  await client.expect(/^\+OK.*\r\n/m);
  for (let i = 0; i < 100 && client.ending === 'open'; i++) {
    client.write('USER demo\r\nPASS wrong\r\n');
    await client.expect(/^-ERR.*\r\n/m).catch(() => null);
  }
  await client.closedByServer(SERVER_ACTS_WITHIN);
});
