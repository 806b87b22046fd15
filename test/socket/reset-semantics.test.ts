/**
 * A peer's reset reads as ConnectionResetError, its FIN as end of stream: never the one for the
 * other. libuv ends a stream (EOF) when a RST arrives in the same poll as the peer's last bytes,
 * so a reset right after data read as a clean end: an FTP upload cut by a reset was answered 226.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { describe, test } from 'node:test';
import {
  ConnectionResetError,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SO_LINGER,
  SOL_SOCKET,
  type Socket,
  SSLContext,
  selfSignedCertificate,
  socket,
} from '../../src/socket/index.js';
import { needs } from '../support/interop.js';
import { closeWithReset, listener, tcpPair } from './support.js';

const PAYLOAD = Buffer.alloc(1000, 0x61);

/** How a receive loop ended: the bytes before the end, and the end (`'eof'` or an error code). */
interface Ending {
  readonly bytes: number;
  readonly end: string;
  /** What the call after the end returned: 0 (empty, at end) or an error code. */
  readonly after: string | number;
}

type Reader = (sock: Socket) => Promise<number>;

const readers: ReadonlyArray<readonly [string, Reader]> = [
  ['recv', async (sock) => (await sock.recv(65536)).length],
  ['recvInto', (sock) => sock.recvInto(Buffer.alloc(65536))],
  ['recvfrom', async (sock) => (await sock.recvfrom(65536))[0].length],
];

/** Reads with `read` until end or error, then calls once more. */
async function readToEnd(sock: Socket, read: Reader): Promise<Ending> {
  let bytes = 0;
  let end: string;
  for (;;) {
    try {
      const n = await read(sock);
      if (n === 0) {
        end = 'eof';
        break;
      }
      bytes += n;
    } catch (err) {
      assert.ok(err instanceof ConnectionResetError, `expected a reset, got ${String(err)}`);
      end = err.code;
      break;
    }
  }
  const after = await read(sock).catch((err: { code?: string }) => String(err.code));
  return { bytes, end, after };
}

/** A connection accepted by a polyport listener from `dial(port)`, which sends and then ends. */
async function accepted(dial: (port: number) => Promise<void>): Promise<Socket> {
  const server = await listener();
  try {
    const port = server.getsockname()[1] as number;
    // The peer sends and ends before accept() returns, so its bytes and its FIN or RST
    // usually arrive together: the case libuv reported as EOF.
    await dial(port);
    const [conn] = await server.accept();
    conn.settimeout(10);
    return conn;
  } finally {
    server.close();
  }
}

/** A node:net client that writes `PAYLOAD` and then resets (or ends) once it was written. */
function nodeClient(how: 'reset' | 'end'): (port: number) => Promise<void> {
  return (port) =>
    new Promise<void>((resolve, reject) => {
      const client = netConnect(port, '127.0.0.1', () => {
        client.write(PAYLOAD, () => {
          if (how === 'reset') client.resetAndDestroy().once('close', () => resolve());
          // Our FIN is out once end()'s callback runs; the socket closes when the reader does.
          else client.end(() => resolve());
        });
      });
      client.on('error', reject);
    });
}

/** A polyport client that sends `PAYLOAD`, then closes with SO_LINGER {1, 0} (or plainly). */
function polyportClient(how: 'reset' | 'end'): (port: number) => Promise<void> {
  return async (port) => {
    const client = socket();
    await client.connect(['127.0.0.1', port]);
    await client.sendall(PAYLOAD);
    if (how === 'reset') closeWithReset(client);
    else client.close();
  };
}

describe('reset semantics', () => {
  for (const [name, read] of readers) {
    test(`${name}() after a node:net peer's write and resetAndDestroy() returns the bytes, then ConnectionResetError, then end`, async () => {
      const conn = await accepted(nodeClient('reset'));
      assert.deepEqual(await readToEnd(conn, read), {
        bytes: 1000,
        end: 'ECONNRESET',
        after: 0,
      });
      conn.close();
    });

    test(`${name}() after a node:net peer's write and end() returns the bytes, then end of stream`, async () => {
      const conn = await accepted(nodeClient('end'));
      assert.deepEqual(await readToEnd(conn, read), { bytes: 1000, end: 'eof', after: 0 });
      conn.close();
    });
  }

  test('a polyport peer that sends and closes with SO_LINGER {1, 0} is read as a reset', async () => {
    const conn = await accepted(polyportClient('reset'));
    assert.deepEqual(await readToEnd(conn, readers[0]?.[1] as Reader), {
      bytes: 1000,
      end: 'ECONNRESET',
      after: 0,
    });
    conn.close();
  });

  test('a polyport peer that sends and closes plainly is read as end of stream', async () => {
    const conn = await accepted(polyportClient('end'));
    assert.deepEqual(await readToEnd(conn, readers[0]?.[1] as Reader), {
      bytes: 1000,
      end: 'eof',
      after: 0,
    });
    conn.close();
  });

  test('a reset that comes while the reader waits is reported as a reset', async () => {
    const server = await listener();
    const client = socket();
    const [[conn]] = await Promise.all([
      server.accept(),
      client.connect(['127.0.0.1', server.getsockname()[1] as number]),
    ]);
    server.close();
    conn.settimeout(10);
    const pending = readToEnd(conn, readers[0]?.[1] as Reader);
    await client.sendall(PAYLOAD);
    closeWithReset(client);
    const ending = await pending;
    assert.equal(ending.end, 'ECONNRESET');
    assert.equal(ending.after, 0);
    conn.close();
  });

  test(
    'Python sees SO_LINGER {1, 0} close() from polyport as a reset (ConnectionResetError)',
    needs('python3'),
    async () => {
      // An independent observer: CPython's recv() raises ConnectionResetError after a RST and
      // returns b'' after a FIN.
      const python = spawn(
        'python3',
        [
          '-c',
          [
            'import socket,sys',
            's=socket.socket();s.bind(("127.0.0.1",0));s.listen(1)',
            'print(s.getsockname()[1],flush=True)',
            'c,_=s.accept();c.settimeout(10);n=0',
            'try:',
            '  while True:',
            '    d=c.recv(65536)',
            '    if not d: print("eof",n,flush=True);break',
            '    n+=len(d)',
            'except ConnectionResetError: print("reset",n,flush=True)',
          ].join('\n'),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        const lines: string[] = [];
        let wake: () => void = () => {};
        let buffered = '';
        python.stdout.on('data', (d: Buffer) => {
          buffered += String(d);
          const parts = buffered.split('\n');
          buffered = parts.pop() ?? '';
          lines.push(...parts);
          wake();
        });
        const line = async (): Promise<string> => {
          while (lines.length === 0) await new Promise<void>((r) => (wake = r));
          return lines.shift() as string;
        };
        const port = Number(await line());
        const client = socket();
        await client.connect(['127.0.0.1', port]);
        await client.sendall(PAYLOAD);
        const linger = Buffer.alloc(8);
        linger.writeInt32LE(1, 0);
        client.setsockopt(SOL_SOCKET, SO_LINGER, linger);
        client.close();
        assert.match(await line(), /^reset \d+$/);
      } finally {
        python.kill();
      }
    },
  );

  test('over TLS, a peer that closes plainly is read as end of stream, every byte first', async () => {
    // TLS is not probed (it tells a reset from its close_notify itself): a clean TLS close must
    // still read as the end it is.
    const pair = await selfSignedCertificate();
    const server = new SSLContext(PROTOCOL_TLS_SERVER);
    server.loadCertChainPem(pair.cert, pair.key);
    const client = new SSLContext(PROTOCOL_TLS_CLIENT);
    client.loadVerifyLocations(undefined, undefined, pair.cert);
    const [a, b] = await tcpPair();
    const [tc, ts] = await Promise.all([
      client.wrapSocket(a, { serverHostname: 'localhost' }),
      server.wrapSocket(b, { serverSide: true }),
    ]);
    ts.settimeout(10);
    await tc.sendall(PAYLOAD);
    tc.close();
    assert.deepEqual(await readToEnd(ts, readers[0]?.[1] as Reader), {
      bytes: 1000,
      end: 'eof',
      after: 0,
    });
    ts.close();
  });
});
