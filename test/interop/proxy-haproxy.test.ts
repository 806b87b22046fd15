/**
 * HAProxy in front of `serve()`: `send-proxy` (v1) and `send-proxy-v2` to a service with
 * `proxyProtocol` on; curl connects to HAProxy from 127.0.0.2, HAProxy to polyport from
 * 127.0.0.1, and polyport must see curl's address.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../src/host/index.js';
import { memoryLogger, portOf, tempDir, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';
import { freePort, waitForPort } from '../support/ports.js';

function curl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    ),
  );
}

test(
  'HAProxy send-proxy and send-proxy-v2 hand polyport the client address',
  needs('haproxy', 'curl'),
  async () => {
    const { logger } = memoryLogger();
    const host = await serve({ config: testConfig(['http.proxyProtocol=true']), logger });
    let child: ChildProcess | null = null;
    try {
      const backend = portOf(host, 'http');
      const [v1, v2] = [await freePort(), await freePort()];
      const dir = tempDir('polyport-haproxy-');
      const conf = join(dir, 'haproxy.cfg');
      writeFileSync(
        conf,
        `global
  maxconn 64
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend v1
  bind 127.0.0.1:${v1}
  default_backend polyport_v1
frontend v2
  bind 127.0.0.1:${v2}
  default_backend polyport_v2
backend polyport_v1
  server local 127.0.0.1:${backend} send-proxy
backend polyport_v2
  server local 127.0.0.1:${backend} send-proxy-v2
`,
      );
      child = spawn('haproxy', ['-db', '-f', conf], { stdio: 'ignore' });
      await Promise.all([waitForPort(v1, 10), waitForPort(v2, 10)]);
      for (const port of [v1, v2]) {
        const since = host.capture.lastId;
        const status = await curl([
          '--interface',
          '127.0.0.2',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          `http://127.0.0.1:${port}/`,
        ]);
        assert.match(status, /^[23]\d\d$/);
        const request = await host.waitFor((e) => e.service === 'http' && e.kind === 'request', {
          sinceId: since,
        });
        assert.match(request.peer, /^127\.0\.0\.2:\d+$/, `through port ${port}`);
      }
    } finally {
      child?.kill('SIGTERM');
      await host.stop(500);
    }
  },
);
