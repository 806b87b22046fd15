import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createServer as createPolyportServer,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  selfSignedCertificate,
} from '../../src/socket/index.js';
import { runCli, startCli } from '../support/cli.js';
import { tempDir } from '../support/host.js';
import { needs } from '../support/interop.js';
import { exitWithin, waitForStderr, within } from './cli-wait.js';

function listening(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

test('polyport connect relays both ways, half-closes at the end of stdin and exits when the peer closes', async (t) => {
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    conn.write('hello from server\n');
    let got = '';
    conn.on('data', (d: Buffer) => {
      got += d.toString();
    });
    // The client's FIN arrives while our side is still open: we can still answer.
    conn.on('end', () => conn.end(`got: ${got}`));
  });
  t.after(() => server.close());
  const port = await listening(server);
  const { code, stdout, stderr } = await runCli(['connect', '127.0.0.1', String(port)], {
    input: 'ping\npong\n',
    seconds: 20,
  });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'hello from server\ngot: ping\npong\n');
});

test('polyport connect passes binary bytes through unchanged', async (t) => {
  const bytes = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7) % 256));
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    const chunks: Buffer[] = [];
    conn.on('data', (d: Buffer) => chunks.push(d));
    conn.on('end', () => conn.end(Buffer.concat(chunks)));
  });
  t.after(() => server.close());
  const port = await listening(server);
  const proc = startCli(['connect', '127.0.0.1', String(port)]);
  const out: Buffer[] = [];
  proc.child.stdout?.on('data', (d: Buffer) => out.push(d));
  proc.child.stdin?.end(bytes);
  assert.equal(await exitWithin(proc), 0, proc.stderr);
  assert.ok(Buffer.concat(out).equals(bytes));
});

test('polyport connect exits 0 when the peer closes first, even with stdin still open', async (t) => {
  const server = createServer((conn) => conn.end('bye\n'));
  t.after(() => server.close());
  const port = await listening(server);
  const proc = startCli(['connect', '127.0.0.1', String(port)]);
  assert.equal(await exitWithin(proc), 0, proc.stderr);
  assert.equal(proc.stdout, 'bye\n');
});

test('polyport connect --udp sends each line as a datagram and prints each reply', async (t) => {
  const server = createSocket('udp4');
  const seen: string[] = [];
  server.on('message', (msg, peer) => {
    seen.push(msg.toString());
    server.send(msg.toString().toUpperCase(), peer.port, peer.address);
  });
  t.after(() => server.close());
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const { code, stdout, stderr } = await runCli(
    ['connect', '--udp', '--timeout', '2', '127.0.0.1', String(port)],
    { input: 'one\r\ntwo\nthree', seconds: 20 },
  );
  assert.equal(code, 0, stderr);
  assert.deepEqual(seen, ['one', 'two', 'three']);
  assert.deepEqual(stdout.split('\n').sort(), ['', 'ONE', 'THREE', 'TWO']);
});

test('polyport connect --tls --insecure talks to a polyport TLS server and sends HOST as SNI', async (t) => {
  const { cert, key } = await selfSignedCertificate();
  const context = new SSLContext(PROTOCOL_TLS_SERVER);
  context.loadCertChainPem(cert, key);
  const names: string[] = [];
  context.sniCallback = (name) => {
    names.push(name);
    return undefined;
  };
  const listener = await createPolyportServer(['127.0.0.1', 0]);
  t.after(() => listener.close());
  const port = (listener.getsockname() as [string, number])[1];
  const serveOne = async (): Promise<string> => {
    const [plain] = await listener.accept();
    const conn = await context.wrapSocket(plain, { serverSide: true });
    const chunks: Buffer[] = [];
    for (let data = await conn.recv(4096); data.length > 0; data = await conn.recv(4096)) {
      chunks.push(data);
    }
    await conn.sendall(`tls ${conn.version()} got: ${Buffer.concat(chunks).toString()}`);
    conn.close();
    return Buffer.concat(chunks).toString();
  };
  const served = serveOne();
  const { code, stdout, stderr } = await runCli(
    ['connect', '--tls', '--insecure', 'localhost', String(port)],
    { input: 'secret\n', seconds: 20 },
  );
  assert.equal(code, 0, stderr);
  assert.equal(await within(served, 10, 'the TLS server'), 'secret\n');
  assert.match(stdout, /^tls TLSv1\.[23] got: secret\n$/);
  assert.deepEqual(names, ['localhost']);
});

test('polyport connect --tls verifies the certificate: exit 1 without trust, success with --cafile', async (t) => {
  const { cert, key } = await selfSignedCertificate();
  const dir = tempDir();
  const cafile = join(dir, 'cert.pem');
  writeFileSync(cafile, cert);
  const context = new SSLContext(PROTOCOL_TLS_SERVER);
  context.loadCertChainPem(cert, key);
  const listener = await createPolyportServer(['127.0.0.1', 0]);
  t.after(() => listener.close());
  const port = String((listener.getsockname() as [string, number])[1]);
  const accepted = (async () => {
    for (;;) {
      const [plain] = await listener.accept();
      context
        .wrapSocket(plain, { serverSide: true })
        .then(async (conn) => {
          await conn.sendall('trusted\n');
          conn.close();
        })
        .catch(() => plain.close());
    }
  })();
  accepted.catch(() => {});
  const refused = await runCli(['connect', '--tls', '127.0.0.1', port], { seconds: 20 });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /certificate|self[- ]signed/i);
  assert.match(refused.stderr, /--insecure/);
  const trusted = await runCli(['connect', '--tls', '--cafile', cafile, '127.0.0.1', port], {
    input: '',
    seconds: 20,
  });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(trusted.stdout, 'trusted\n');
});

test(
  'polyport connect --listen accepts one connection from nc and relays both ways',
  needs('nc'),
  async () => {
    const proc = startCli(['connect', '--listen', '127.0.0.1', '0']);
    try {
      const [, port] = (await waitForStderr(proc, /Listening on 127\.0\.0\.1:(\d+)/)) as [
        string,
        string,
      ];
      const nc = spawn('nc', ['-N', '127.0.0.1', port], { stdio: ['pipe', 'pipe', 'pipe'] });
      let ncOut = '';
      nc.stdout.on('data', (d: Buffer) => {
        ncOut += d.toString();
      });
      const ncExited = new Promise<number | null>((resolve) => nc.once('exit', resolve));
      await waitForStderr(proc, /Connection from 127\.0\.0\.1:\d+/);
      proc.child.stdin?.end('from polyport\n');
      nc.stdin.end('from nc\n');
      assert.equal(await exitWithin(proc), 0, proc.stderr);
      const ncCode = await within(ncExited, 20, 'nc to exit').catch((err: unknown) => {
        nc.kill('SIGKILL');
        throw err;
      });
      assert.equal(ncCode, 0);
      assert.equal(proc.stdout, 'from nc\n');
      assert.equal(ncOut, 'from polyport\n');
    } finally {
      proc.child.kill('SIGKILL');
    }
  },
);

test('polyport connect --listen --udp answers the first sender', needs('nc'), async () => {
  const proc = startCli(['connect', '--listen', '--udp', '127.0.0.1', '0']);
  try {
    const [, port] = (await waitForStderr(proc, /Listening on 127\.0\.0\.1:(\d+)/)) as [
      string,
      string,
    ];
    const client = createSocket('udp4');
    const reply = new Promise<string>((resolve) =>
      client.once('message', (m) => resolve(m.toString())),
    );
    client.send('hi there\n', Number(port), '127.0.0.1');
    await waitForStderr(proc, /Datagram from 127\.0\.0\.1:\d+/);
    proc.child.stdin?.end('welcome\n');
    assert.equal(await within(reply, 10, 'the reply datagram'), 'welcome');
    client.close();
    assert.equal(await exitWithin(proc), 0, proc.stderr);
    assert.equal(proc.stdout, 'hi there\n');
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('polyport connect --timeout gives up with exit 1 when nothing passes either way', async (t) => {
  const silent: Socket[] = [];
  const server = createServer((conn) => silent.push(conn));
  t.after(() => {
    for (const conn of silent) conn.destroy();
    server.close();
  });
  const port = await listening(server);
  const proc = startCli(['connect', '--timeout', '0.5', '127.0.0.1', String(port)]);
  assert.equal(await exitWithin(proc), 1);
  assert.match(proc.stderr, /nothing sent or received for 0\.5 s/);
});

test('polyport connect exits 1 with the socket error when the connection is refused', async () => {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  const { code, stderr } = await runCli(['connect', '127.0.0.1', String(port)]);
  assert.equal(code, 1);
  assert.match(
    stderr,
    /^polyport connect: connect tcp 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)\n$/,
  );
});

test('polyport connect exits 2 with a message for bad arguments', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['127.0.0.1'], /give HOST and PORT/],
    [['127.0.0.1', '70000'], /PORT must be a number from 1 to 65535/],
    [['127.0.0.1', 'http'], /PORT must be a number/],
    [['127.0.0.1', '0'], /PORT must be a number from 1/],
    [['--tls', '--udp', '127.0.0.1', '443'], /--tls works over TCP only/],
    [['--insecure', '127.0.0.1', '443'], /need --tls/],
    [['--timeout=-1', '127.0.0.1', '80'], /--timeout must be a positive number/],
    [['--frobnicate', '127.0.0.1', '80'], /frobnicate/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(['connect', ...args]);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test('polyport connect --help explains the options and exits 0', async () => {
  const { code, stdout } = await runCli(['connect', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /--listen/);
  assert.match(stdout, /--udp/);
});

test('polyport connect exits 1 with the socket error when the peer resets the connection', async (t) => {
  const server = createServer((conn) => {
    conn.on('error', () => {});
    conn.once('data', () => conn.resetAndDestroy());
  });
  t.after(() => server.close());
  const port = await listening(server);
  const proc = startCli(['connect', '127.0.0.1', String(port)]);
  proc.child.stdin?.write('hello\n');
  assert.equal(await exitWithin(proc), 1);
  assert.match(proc.stderr, /^polyport connect: .*(ECONNRESET|EPIPE)/);
});

test('polyport --help lists the client tools', async () => {
  const { code, stdout } = await runCli(['--help']);
  assert.equal(code, 0);
  for (const name of ['connect', 'scan', 'resolve', 'services']) {
    assert.match(stdout, new RegExp(`^  ${name}\\s+\\S`, 'm'));
  }
});

test('polyport connect ends quietly with exit 0 when its stdout is closed (| head)', async (t) => {
  const server = createServer((conn) => {
    conn.on('error', () => {});
    const block = Buffer.alloc(65536, 'x');
    const pump = (): void => {
      while (!conn.destroyed && conn.write(block)) {
        // Keep the socket full until the client goes away.
      }
    };
    conn.on('drain', pump);
    pump();
  });
  t.after(() => server.close());
  const port = await listening(server);
  const proc = startCli(['connect', '127.0.0.1', String(port)]);
  proc.child.stdout?.once('data', () => proc.child.stdout?.destroy());
  assert.equal(await exitWithin(proc), 0, proc.stderr);
  assert.doesNotMatch(proc.stderr, /EPIPE|Error/);
});

test('polyport connect --listen --timeout exits 1 when no client comes in time', async () => {
  const { code, stderr } = await runCli(['connect', '--listen', '-w', '0.3', '127.0.0.1', '0'], {
    seconds: 20,
  });
  assert.equal(code, 1);
  assert.match(stderr, /^Listening on 127\.0\.0\.1:\d+\npolyport connect: accept .*timed out/);
});

test('polyport connect ends with exit 0 on Ctrl-C (SIGINT)', async (t) => {
  const held: Socket[] = [];
  const server = createServer((conn) => held.push(conn));
  t.after(() => {
    for (const conn of held) conn.destroy();
    server.close();
  });
  const port = await listening(server);
  const proc = startCli(['connect', '127.0.0.1', String(port)]);
  const deadline = Date.now() + 20_000;
  while (held.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Connected: the relay has installed its SIGINT listener by now.
  await new Promise((resolve) => setTimeout(resolve, 200));
  proc.child.kill('SIGINT');
  assert.equal(await exitWithin(proc), 0, proc.stderr);
});
