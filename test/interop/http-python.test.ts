/**
 * Python's http.client against polyport's HTTP server: GET and HEAD on one kept-alive
 * connection, a Range request, and a chunked POST echoed back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { routeHandler, staticFiles } from '../../src/protocols/http/index.js';
import { runTool, startTestServer, type TestServer } from '../protocols/http/support/server.js';
import { needs } from '../support/interop.js';

const python = needs('python3');
let dir: string;
let server: TestServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'polyport-pyhttp-'));
  writeFileSync(join(dir, 'data.txt'), 'abcdefghijklmnopqrstuvwxyz');
  server = await startTestServer([
    routeHandler('POST', '/echo', async (q, r) => {
      const body = await q.body.buffer();
      r.setHeader('X-Chunked', String(q.headers.has('transfer-encoding')));
      r.send(body);
    }),
    staticFiles({ root: dir }),
  ]);
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = `
import http.client, json, sys
port = int(sys.argv[1])
c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
out = {}
c.request('GET', '/data.txt')
r = c.getresponse()
out['get'] = [r.status, r.getheader('Content-Type'), r.read().decode()]
sock = c.sock
c.request('HEAD', '/data.txt')
r = c.getresponse()
out['head'] = [r.status, r.getheader('Content-Length'), r.read().decode()]
c.request('GET', '/data.txt', headers={'Range': 'bytes=2-5'})
r = c.getresponse()
out['range'] = [r.status, r.getheader('Content-Range'), r.read().decode()]
c.request('POST', '/echo', body=iter([b'one-', b'two']), encode_chunked=True)
r = c.getresponse()
out['post'] = [r.status, r.getheader('X-Chunked'), r.read().decode()]
out['same_socket'] = c.sock is sock
c.request('GET', '/missing')
r = c.getresponse()
out['missing'] = [r.status, len(r.read())]
print(json.dumps(out))
`;

test(
  "Python's http.client talks to the server over one kept-alive connection",
  python,
  async () => {
    const { code, stdout, stderr } = await runTool('python3', ['-c', SCRIPT, String(server.port)]);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(out.get, [200, 'text/plain; charset=utf-8', 'abcdefghijklmnopqrstuvwxyz']);
    assert.deepEqual(out.head, [200, '26', '']);
    assert.deepEqual(out.range, [206, 'bytes 2-5/26', 'cdef']);
    assert.deepEqual(out.post, [200, 'true', 'one-two']);
    assert.equal(out.same_socket, true);
    assert.equal((out.missing as number[])[0], 404);
  },
);
