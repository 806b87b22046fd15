import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import {
  MaildirStore,
  startPop3Service,
  startSmtpService,
} from '../../../src/protocols/mail/index.js';
import { DEFAULT_LIMITS } from '../../../src/server/limits.js';
import type { ServerChannel } from '../../../src/server/server-channel.js';
import type { Socket } from '../../../src/socket/index.js';
import { LineClient, testUsers } from './service-support.js';

const LIMIT = 256 * 1024;

/** SMTP and POP3 on loopback over a fresh store, with the output bound at {@link LIMIT}. */
async function startServers() {
  const dir = await mkdtemp(join(tmpdir(), 'polyport-mail-bp-'));
  const store = new MaildirStore(join(dir, 'mail'), { hostname: 'test' });
  const map: SocketMap = new Map();
  const common = {
    address: ['127.0.0.1', 0] as const,
    users: await testUsers(),
    store,
    map,
    limits: { ...DEFAULT_LIMITS, maxPendingOutput: LIMIT },
  };
  const smtp = await startSmtpService({ ...common, hostname: 'mx.example.test' });
  const pop3 = await startPop3Service({ ...common, allowPlaintext: true });
  const running = loop({ map, timeout: 1 });
  return {
    store,
    map,
    smtpPort: smtp.listener.boundAddress[1],
    pop3Port: pop3.listener.boundAddress[1],
    async stop() {
      smtp.close();
      pop3.close();
      closeAll(map, true);
      await running;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The server side of the newest connection. */
function newestChannel(map: SocketMap): ServerChannel {
  const channels = [...map.values()].filter(
    (c): c is ServerChannel => typeof (c as Partial<ServerChannel>).queuedBytes === 'number',
  );
  const channel = channels.at(-1);
  assert.ok(channel !== undefined, 'the server has a connection');
  return channel;
}

/**
 * Watches the server while the client reads nothing, until its output stops moving (the kernel
 * buffers are full and the server holds back); returns the most it queued.
 */
async function mostQueued(channel: ServerChannel): Promise<number> {
  let most = 0;
  let last = -1;
  let still = 0;
  // Up to 60 s on a loaded machine; a server that keeps answering never settles.
  for (let round = 0; round < 2400 && still < 40; round++) {
    await sleep(25);
    most = Math.max(most, channel.queuedBytes);
    const moved = channel.bytesOut + channel.queuedBytes;
    still = moved === last ? still + 1 : 0;
    last = moved;
  }
  return most;
}

/**
 * Reads `count` answers that must all be the same, the first ending at the first `end`, and
 * returns that one (bulk reads: 10 MB answered line by line would take long on a loaded machine).
 */
async function readSame(sock: Socket, count: number, end: string): Promise<string> {
  sock.settimeout(60);
  let pending: Buffer = Buffer.alloc(0);
  let first: Buffer | null = null;
  let left = count;
  while (left > 0) {
    if (first === null) {
      const at = pending.indexOf(end);
      if (at !== -1) first = Buffer.from(pending.subarray(0, at + end.length));
    }
    if (first !== null && pending.length >= first.length) {
      assert.ok(pending.subarray(0, first.length).equals(first), `answer ${count - left} intact`);
      pending = pending.subarray(first.length);
      left--;
      continue;
    }
    const data = await sock.recv(1 << 20);
    if (data.length === 0) throw new Error(`end of stream with ${left} answers to come`);
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
  }
  assert.equal(pending.length, 0, 'nothing more');
  return (first as Buffer).toString('latin1');
}

test('a POP3 client pipelining LIST of a large mailbox without reading holds the server to the output bound, then gets every answer', async () => {
  const servers = await startServers();
  const client = await LineClient.connect(servers.pop3Port);
  try {
    // 500 messages: one LIST answer is about 5 KB; 2,000 of them are 10 MB.
    const box = await servers.store.maildir('demo');
    for (let i = 0; i < 500; i++) await box.deliver(Buffer.from(`Subject: ${i}\r\n\r\nbody\r\n`));
    assert.match(await client.line(), /^\+OK/);
    await client.send('USER demo\r\nPASS demo\r\n');
    assert.match(await client.line(), /^\+OK/);
    assert.match(await client.line(), /^\+OK Logged in/);
    const channel = newestChannel(servers.map);

    const sending = client.send('LIST\r\n'.repeat(2000));
    sending.catch(() => {});
    const most = await mostQueued(channel);
    // The session gathers answers up to the bound and gathers again only once the socket has
    // taken all of them, so the queue holds what the socket left of one batch: it must have
    // filled the kernel buffers and queued some, though, or nothing was tested.
    assert.ok(most > 0, 'the server queued output once the kernel buffers were full');
    // The bound, plus the one answer that took the batch over it.
    assert.ok(most <= LIMIT + 64 * 1024, `queued ${most} bytes, bound ${LIMIT}`);

    // Another client is served meanwhile.
    const other = await LineClient.connect(servers.pop3Port);
    try {
      assert.match(await other.line(), /^\+OK/);
      await other.send('CAPA\r\n');
      assert.match(await other.line(), /^\+OK/);
    } finally {
      other.close();
    }

    // Nothing was left unread by the login: the answers come straight off the socket.
    const list = await readSame(client.sock, 2000, '\r\n.\r\n');
    assert.ok(list.startsWith('+OK 500 messages:\r\n'), list.slice(0, 40));
    assert.equal(list.split('\r\n').length, 503, 'every message listed');
    await sending;
  } finally {
    client.close();
    await servers.stop();
  }
});

test('an SMTP client pipelining EHLO without reading holds the server to the output bound, then gets every reply', async () => {
  const servers = await startServers();
  const client = await LineClient.connect(servers.smtpPort);
  try {
    assert.match(await client.reply(), /^220 /);
    const channel = newestChannel(servers.map);
    // 150,000 HELP: 900 KB of commands, about 11 MB of replies.
    const sending = client.send('HELP\r\n'.repeat(150_000));
    sending.catch(() => {});
    const most = await mostQueued(channel);
    // The server stops reading while anything is queued, so it may settle under the bound; it
    // must have filled the kernel buffers and queued some, though, or nothing was tested.
    assert.ok(most > 0, 'the server queued output once the kernel buffers were full');
    assert.ok(most <= LIMIT + 256, `queued ${most} bytes, bound ${LIMIT}`);

    const other = await LineClient.connect(servers.smtpPort);
    try {
      assert.match(await other.reply(), /^220 /);
      await other.send('NOOP\r\n');
      assert.match(await other.reply(), /^250 /);
    } finally {
      other.close();
    }

    const help = await readSame(client.sock, 150_000, '\r\n');
    assert.match(help, /^214 2\.0\.0 Commands: EHLO /);
    await sending;
  } finally {
    client.close();
    await servers.stop();
  }
});
