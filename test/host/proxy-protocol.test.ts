/**
 * `<service>.proxyProtocol`: a service behind an L4 load balancer learns the client from the
 * PROXY header, over real loopback sockets (the forged clients, 203.0.113.x and 2001:db8::,
 * appear only inside headers).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { type Host, serve } from '../../src/host/index.js';
import { encodeProxyHeaderV1, encodeProxyHeaderV2 } from '../../src/server/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';

const CLIENT = { source: ['203.0.113.7', 5000], destination: ['127.0.0.1', 80] } as const;
const GET = 'GET / HTTP/1.0\r\nHost: test\r\n\r\n';

/** Connects (from `localAddress`), sends `bytes`, and resolves with all it reads until closed. */
function exchange(port: number, bytes: Uint8Array | string, localAddress = '127.0.0.1') {
  return new Promise<string>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let seen = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      seen += chunk;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A refusal may reset: what was read still tells the story.
      if (err.code === 'ECONNRESET') resolve(seen);
      else reject(err);
    });
    socket.on('close', () => resolve(seen));
    socket.write(bytes);
  });
}

/** Runs curl; resolves with its stdout. */
function curl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    ),
  );
}

/** An open connection whose replies are read line by line, for the dialogues. */
class LineClient {
  readonly socket: Socket;
  #seen = '';
  #waiters: Array<() => void> = [];

  constructor(port: number, first: Uint8Array | string, localAddress = '127.0.0.1') {
    this.socket = connect({ port, host: '127.0.0.1', localAddress });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => {
      this.#seen += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.socket.on('close', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.socket.write(first);
  }

  /** Resolves with everything read up to the first line matching `pattern`, consumed. */
  async until(pattern: RegExp): Promise<string> {
    for (;;) {
      const lines = this.#seen.split('\r\n');
      const at = lines.findIndex((line, i) => i < lines.length - 1 && pattern.test(line));
      if (at >= 0) {
        const taken = lines.slice(0, at + 1).join('\r\n');
        this.#seen = lines.slice(at + 1).join('\r\n');
        return taken;
      }
      if (this.socket.closed) throw new Error(`closed before ${pattern}: ${this.#seen}`);
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** Sends a line and waits for the reply line matching `pattern`. */
  say(line: string, pattern: RegExp): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.until(pattern);
  }
}

async function withHost(
  sets: readonly string[],
  body: (host: Host, records: Array<Record<string, unknown>>) => Promise<void>,
) {
  const { logger, records } = memoryLogger();
  const host = await serve({ config: testConfig(sets), logger });
  try {
    await body(host, records);
  } finally {
    await host.stop(500);
  }
}

test('an HTTP request behind a v1 PROXY header is captured and logged as the client it names', async () => {
  await withHost(['http.proxyProtocol=true'], async (host, records) => {
    const reply = await exchange(portOf(host, 'http'), `${encodeProxyHeaderV1(CLIENT)}${GET}`);
    assert.match(reply, /^HTTP\/1\.1 \d{3} /);
    const request = await host.waitFor((e) => e.service === 'http' && e.kind === 'request');
    assert.equal(request.peer, '203.0.113.7:5000');
    const opened = await host.waitFor((e) => e.service === 'http' && e.kind === 'open');
    assert.equal(opened.peer, '203.0.113.7:5000');
    const line = records.find((r) => r.service === 'http' && r.msg === 'request');
    assert.match(String(line?.line), /^203\.0\.113\.7 - - \[/);
  });
});

test(
  'curl --haproxy-protocol is served through a PROXY-protocol HTTP port',
  needs('curl'),
  async () => {
    await withHost(['http.proxyProtocol=true'], async (host) => {
      const port = portOf(host, 'http');
      const out = await curl([
        '--haproxy-protocol',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `http://127.0.0.1:${port}/`,
      ]);
      assert.match(out, /^[23]\d\d$/);
      const request = await host.waitFor((e) => e.service === 'http' && e.kind === 'request');
      // curl names its own address: the header's, not a guess from the socket.
      assert.match(request.peer, /^127\.0\.0\.1:\d+$/);
    });
  },
);

test('a v2 header names an IPv6 client; a v2 LOCAL health check keeps the balancer', async () => {
  await withHost(['http.proxyProtocol=true'], async (host) => {
    const port = portOf(host, 'http');
    const v6 = { source: ['2001:db8::7', 4000], destination: ['::1', 80] } as const;
    await exchange(port, Buffer.concat([encodeProxyHeaderV2(v6), Buffer.from(GET)]));
    const proxied = await host.waitFor((e) => e.service === 'http' && e.kind === 'request');
    assert.equal(proxied.peer, '[2001:db8::7]:4000');
    const since = host.capture.lastId;
    await exchange(port, Buffer.concat([encodeProxyHeaderV2({ local: true }), Buffer.from(GET)]));
    const local = await host.waitFor((e) => e.service === 'http' && e.kind === 'request', {
      sinceId: since,
    });
    assert.match(local.peer, /^127\.0\.0\.1:\d+$/);
  });
});

test('a connection from an address not in proxyProtocolFrom is refused, header or not', async () => {
  await withHost(['http.proxyProtocol=true', 'http.proxyProtocolFrom=127.0.0.2'], async (host) => {
    const reply = await exchange(portOf(host, 'http'), `${encodeProxyHeaderV1(CLIENT)}${GET}`);
    assert.equal(reply, '');
    const refused = await host.waitFor((e) => e.service === 'http' && e.kind === 'refused');
    assert.match(String(refused.reason), /not in proxyProtocolFrom/);
    assert.match(refused.peer, /^127\.0\.0\.1:\d+$/);
    assert.equal(host.capture.list({ service: 'http', kind: 'request' }).length, 0);
  });
});

test('the balancer itself is served from an allowed address other than the default', async () => {
  await withHost(
    ['http.proxyProtocol=true', 'http.proxyProtocolFrom=127.0.0.0/8'],
    async (host) => {
      await exchange(portOf(host, 'http'), `${encodeProxyHeaderV1(CLIENT)}${GET}`, '127.0.0.2');
      const request = await host.waitFor((e) => e.service === 'http' && e.kind === 'request');
      assert.equal(request.peer, '203.0.113.7:5000');
    },
  );
});

test('a connection that starts without a PROXY header is refused, not served', async () => {
  await withHost(['http.proxyProtocol=true'], async (host) => {
    assert.equal(await exchange(portOf(host, 'http'), GET), '');
    const refused = await host.waitFor((e) => e.service === 'http' && e.kind === 'refused');
    assert.match(String(refused.reason), /bad PROXY header: not a PROXY protocol header/);
  });
});

test('a balancer that sends no header is cut off at handshakeTimeout', async () => {
  await withHost(['http.proxyProtocol=true', 'http.limits.handshakeTimeout=1'], async (host) => {
    const reply = exchange(portOf(host, 'http'), 'PROXY TCP4 203.0.113.7');
    const refused = await host.waitFor((e) => e.service === 'http' && e.kind === 'refused');
    assert.match(String(refused.reason), /no PROXY header in time/);
    assert.equal(await reply, '');
  });
});

test('maxConnectionsPerAddress counts the clients the headers name, not the balancer', async () => {
  await withHost(
    ['http.proxyProtocol=true', 'http.limits.maxConnectionsPerAddress=1'],
    async (host) => {
      const port = portOf(host, 'http');
      // A first client holds its connection open (a request half sent).
      const held = new LineClient(port, `${encodeProxyHeaderV1(CLIENT)}GET / HTTP/1.1\r\n`);
      await host.waitFor((e) => e.service === 'http' && e.kind === 'open');
      const other = { ...CLIENT, source: ['203.0.113.8', 5001] } as const;
      assert.match(await exchange(port, `${encodeProxyHeaderV1(other)}${GET}`), /^HTTP\/1\.1 \d/);
      const served = await host.waitFor((e) => e.service === 'http' && e.kind === 'request');
      assert.equal(served.peer, '203.0.113.8:5001');
      const again = { ...CLIENT, source: ['203.0.113.7', 5002] } as const;
      assert.match(await exchange(port, `${encodeProxyHeaderV1(again)}${GET}`), /^HTTP\/1\.1 503 /);
      const refused = await host.waitFor((e) => e.service === 'http' && e.kind === 'refused');
      assert.equal(refused.peer, '203.0.113.7:5002');
      assert.match(String(refused.reason), /too many connections from 203\.0\.113\.7/);
      held.socket.destroy();
    },
  );
});

test('on an HTTPS port the PROXY header comes before the TLS handshake', async () => {
  await withHost(['https.proxyProtocol=true'], async (host) => {
    const port = portOf(host, 'https');
    const raw = connect({ port, host: '127.0.0.1' });
    raw.write(encodeProxyHeaderV1(CLIENT));
    const reply = await new Promise<string>((resolve, reject) => {
      const secure = tlsConnect({
        socket: raw,
        rejectUnauthorized: false,
        servername: 'localhost',
      });
      let seen = '';
      secure.setEncoding('latin1');
      secure.on('secureConnect', () => secure.write(GET));
      secure.on('data', (chunk: string) => {
        seen += chunk;
      });
      secure.on('error', reject);
      secure.on('close', () => resolve(seen));
    });
    assert.match(reply, /^HTTP\/1\.1 \d{3} /);
    const request = await host.waitFor((e) => e.service === 'https' && e.kind === 'request');
    assert.equal(request.peer, '203.0.113.7:5000');
  });
});

test(
  'an SMTP session through PROXY: Received: names the client the header named',
  needs('curl'),
  async () => {
    await withHost(['smtp.proxyProtocol=true', 'smtp.acceptAll=true'], async (host) => {
      const smtp = new LineClient(portOf(host, 'smtp'), encodeProxyHeaderV1(CLIENT));
      await smtp.until(/^220 /);
      await smtp.say('EHLO client.example', /^250 /);
      await smtp.say('MAIL FROM:<a@client.example>', /^250 /);
      await smtp.say('RCPT TO:<demo@example.test>', /^250 /);
      await smtp.say('DATA', /^354 /);
      await smtp.say('Subject: proxied\r\n\r\nhello\r\n.', /^250 /);
      await smtp.say('QUIT', /^221 /);
      const message = await host.waitFor((e) => e.service === 'smtp' && e.kind === 'message');
      assert.equal(message.peer, '203.0.113.7:5000');
      const pop3 = `pop3://127.0.0.1:${portOf(host, 'pop3')}`;
      const list = await curl(['-u', 'demo:demo', pop3]);
      const last = list.trim().split('\r\n').at(-1)?.split(' ')[0];
      const text = await curl(['-u', 'demo:demo', `${pop3}/${last}`]);
      assert.match(text, /^Received: from client\.example \([^)]*203\.0\.113\.7[^)]*\)/m);
    });
  },
);

test('FTP through PROXY: the passive data connection may come from the balancer, not from a stranger', async () => {
  await withHost(['ftp.proxyProtocol=true'], async (host, records) => {
    const ftp = new LineClient(portOf(host, 'ftp'), encodeProxyHeaderV1(CLIENT));
    await ftp.until(/^220 /);
    await ftp.say('USER demo', /^331 /);
    await ftp.say('PASS demo', /^230 /);
    const pasv = await ftp.say('PASV', /^227 /);
    const [p1, p2] = (/(\d+),(\d+)\)/.exec(pasv) ?? []).slice(1).map(Number);
    const dataPort = (p1 ?? 0) * 256 + (p2 ?? 0);
    // A stranger (127.0.0.2) races for the port first and is turned away.
    const stranger = exchange(dataPort, '', '127.0.0.2');
    ftp.socket.write('LIST\r\n');
    assert.equal(await stranger, '');
    const listing = exchange(dataPort, '', '127.0.0.1');
    await ftp.until(/^150 /);
    await ftp.until(/^226 /);
    assert.notEqual(await listing, '');
    const warning = records.find(
      (r) => r.msg === 'FTP data connection from a foreign address refused',
    );
    assert.equal(warning?.from, '127.0.0.2');
    await ftp.say('QUIT', /^221 /);
    const transfer = await host.waitFor((e) => e.service === 'ftp' && e.kind === 'transfer');
    assert.equal(transfer.peer, '203.0.113.7:5000');
  });
});

test('every TCP service takes its client from the PROXY header when proxyProtocol is on', async () => {
  const sets = SERVICE_TABLES.map((s) => `${s}.proxyProtocol=true`);
  await withHost(sets, async (host) => {
    const listeners = host.listeners.filter((l) => l.transport === 'tcp' && l.service !== 'https');
    assert.ok(listeners.length >= 10);
    for (const [i, listener] of listeners.entries()) {
      const source = ['203.0.113.7', 6000 + i] as const;
      const socket = connect({ port: listener.port, host: '127.0.0.1' });
      socket.on('error', () => {});
      socket.write(encodeProxyHeaderV1({ ...CLIENT, source }));
      const opened = await host.waitFor((e) => e.service === listener.service && e.kind === 'open');
      assert.equal(opened.peer, `203.0.113.7:${source[1]}`, listener.service);
      socket.destroy();
    }
  });
});
