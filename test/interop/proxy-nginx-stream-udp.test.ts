/**
 * nginx's `stream` module with `proxy_protocol on` in front of `serve()`'s DNS service, over UDP
 * and TCP: dig queries nginx from 127.0.0.2, nginx forwards from 127.0.0.1 with a PROXY v1
 * header (on the first datagram of each UDP session only), and polyport must see 127.0.0.2.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serve } from '../../src/host/index.js';
import { createQuery, encodeMessage, RRType } from '../../src/protocols/dns/index.js';
import { encodeProxyHeaderV1 } from '../../src/server/proxy-header.js';
import { AF_INET, SOCK_DGRAM, Socket } from '../../src/socket/index.js';
import { memoryLogger, portOf, tempDir, testConfig } from '../support/host.js';
import { requires, which } from '../support/interop.js';
import { freePort, waitForPort } from '../support/ports.js';

const run = promisify(execFile);

/**
 * Debian's dynamic stream module (package `libnginx-mod-stream`); the module has no command of
 * its own, so the file is what tells it is installed.
 */
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

function missing(): string | null {
  const lacking = [
    ...['nginx', 'dig'].filter((tool) => which(tool) === null),
    ...(existsSync(STREAM_MODULE) ? [] : [`${STREAM_MODULE} (libnginx-mod-stream)`]),
  ];
  return lacking.length === 0 ? null : `needs ${lacking.join(', ')}, not installed`;
}

/** Runs dig from 127.0.0.2 (asynchronously: the server answers from this process's loop). */
async function dig(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'dig',
    ['-b', '127.0.0.2', '@127.0.0.1', '-p', String(port), '+tries=1', '+time=5', ...args],
    { timeout: 15_000 },
  );
  return stdout;
}

async function udpFrom(host: string): Promise<Socket> {
  const sock = new Socket(AF_INET, SOCK_DGRAM);
  await sock.bind([host, 0]);
  sock.settimeout(10);
  return sock;
}

test(
  'nginx stream with proxy_protocol on hands polyport the DNS client over UDP and TCP; a forged header is dropped',
  requires(missing()),
  async () => {
    const { logger } = memoryLogger();
    const host = await serve({ config: testConfig(['dns.proxyProtocol=true']), logger });
    let child: ChildProcess | null = null;
    const sockets: Socket[] = [];
    const dir = tempDir('polyport-nginx-stream-');
    try {
      const backend = portOf(host, 'dns', 'udp');
      assert.equal(portOf(host, 'dns', 'tcp'), backend);
      const front = await freePort();
      const conf = join(dir, 'nginx.conf');
      // No proxy_responses: nginx keeps one session per client address and port, and sends
      // the header on its first datagram only (the case polyport must remember).
      writeFileSync(
        conf,
        `load_module ${STREAM_MODULE};
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 64; }
stream {
  server {
    listen 127.0.0.1:${front} udp;
    proxy_pass 127.0.0.1:${backend};
    proxy_protocol on;
    proxy_timeout 20s;
  }
  server {
    listen 127.0.0.1:${front};
    proxy_pass 127.0.0.1:${backend};
    proxy_protocol on;
  }
}
`,
      );
      child = spawn('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
        stdio: 'ignore',
      });
      // The TCP listener opens with the UDP one: once it accepts, nginx is serving both.
      await waitForPort(front, 10);

      for (const transport of ['udp', 'tcp'] as const) {
        const since = host.capture.lastId;
        const args = transport === 'tcp' ? ['+tcp'] : [];
        const answer = await dig(front, ...args, '+short', 'www.example.test', 'A');
        assert.match(answer.trim(), /^\d+\.\d+\.\d+\.\d+$/, `an answer over ${transport}`);
        const query = await host.waitFor(
          (e) => e.service === 'dns' && e.kind === 'query' && e.transport === transport,
          { sinceId: since },
        );
        assert.match(query.peer, /^127\.0\.0\.2:\d+$/, `the peer over ${transport}`);
      }

      // Two queries from one client port: one nginx session, the second datagram without a
      // header; both must be the client's.
      const client = await udpFrom('127.0.0.2');
      sockets.push(client);
      const clientPort = (client.getsockname() as [string, number])[1];
      for (const id of [101, 102]) {
        const since = host.capture.lastId;
        const query = encodeMessage(createQuery('example.test', RRType.A, { id }));
        await client.sendto(query, ['127.0.0.1', front]);
        const [reply] = await client.recvfrom(4096);
        assert.equal(reply.readUInt16BE(0), id);
        const event = await host.waitFor((e) => e.service === 'dns' && e.kind === 'query', {
          sinceId: since,
        });
        assert.equal(event.peer, `127.0.0.2:${clientPort}`, `query ${id}`);
      }

      // Someone bypassing nginx forges a header: dropped, refused, never answered.
      const forger = await udpFrom('127.0.0.2');
      sockets.push(forger);
      const since = host.capture.lastId;
      const header = encodeProxyHeaderV1({
        source: ['192.0.2.66', 5353],
        destination: ['127.0.0.1', backend],
      });
      const forged = Buffer.concat([
        Buffer.from(header),
        encodeMessage(createQuery('www.example.test', RRType.A, { id: 66 })),
      ]);
      await forger.sendto(forged, ['127.0.0.1', backend]);
      const refused = await host.waitFor(
        (e) => e.service === 'dns' && e.kind === 'refused' && e.peer.startsWith('127.0.0.2:'),
        { sinceId: since },
      );
      assert.equal(refused.reason, 'PROXY protocol from an address not in proxyProtocolFrom');
      // The drop happens where the refusal is recorded: no reply was sent, none can follow.
      assert.equal(forger.recvfromNowait(4096), null);
      assert.ok(!host.capture.list().some((e) => e.peer.startsWith('192.0.2.66')));
    } catch (err) {
      const log = join(dir, 'error.log');
      if (existsSync(log)) console.error(readFileSync(log, 'utf8'));
      throw err;
    } finally {
      for (const sock of sockets) sock.close();
      child?.kill('SIGTERM');
      await host.stop(500);
    }
  },
);
