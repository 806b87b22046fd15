/**
 * What every polyport TLS server (HTTPS, FTP AUTH TLS, SMTP STARTTLS, POP3 STLS and POP3S) gets
 * from a `PROTOCOL_TLS_SERVER` context: AEAD suites only on TLS 1.2, the server's order, and no
 * client-initiated renegotiation.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import {
  CERT_NONE,
  type CertificatePair,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLError,
  type SSLSocket,
  selfSignedCertificate,
} from '../../src/socket/index.js';
import { listener, readExactly, tcpPair } from './support.js';

let pair: CertificatePair;

before(async () => {
  pair = await selfSignedCertificate();
});

function serverContext(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(pair.cert, pair.key);
  return ctx;
}

/** A TLS 1.2 client offering exactly `ciphers`, in that order. */
function tls12Client(ciphers: string): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  ctx.verifyMode = CERT_NONE;
  ctx.maximumVersion = 'TLSv1.2';
  ctx.setCiphers(ciphers);
  return ctx;
}

/** Handshakes both ends of a fresh pair; rejects with the client's failure. */
async function handshake(server: SSLContext, client: SSLContext): Promise<[SSLSocket, SSLSocket]> {
  const [a, b] = await tcpPair();
  const [c, s] = await Promise.allSettled([
    client.wrapSocket(a),
    server.wrapSocket(b, { serverSide: true }),
  ]);
  if (c.status === 'fulfilled' && s.status === 'fulfilled') return [c.value, s.value];
  for (const side of [c, s]) if (side.status === 'fulfilled') side.value.close();
  a.close();
  b.close();
  throw c.status === 'rejected' ? c.reason : (s as PromiseRejectedResult).reason;
}

test('a server context refuses a TLS 1.2 client that offers only CBC suites', async () => {
  await assert.rejects(
    handshake(serverContext(), tls12Client('AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES256-SHA256')),
    SSLError,
  );
});

test('a server context agrees an AEAD suite on TLS 1.2, and TLS 1.3 as before', async () => {
  const suites = [
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    ['ECDHE-ECDSA-CHACHA20-POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  ];
  for (const [suite, standardName] of suites) {
    const [c, s] = await handshake(serverContext(), tls12Client(suite!));
    assert.equal(c.version(), 'TLSv1.2');
    assert.equal(s.cipher()?.[0], standardName);
    c.close();
    s.close();
  }
  const modern = new SSLContext(PROTOCOL_TLS_CLIENT);
  modern.checkHostname = false;
  modern.verifyMode = CERT_NONE;
  const [c, s] = await handshake(serverContext(), modern);
  assert.equal(c.version(), 'TLSv1.3');
  c.close();
  s.close();
});

test("a server context chooses the suite by its own order, not the client's", async () => {
  const client = tls12Client(
    'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256',
  );
  const [c, s] = await handshake(serverContext(), client);
  assert.equal(c.cipher()?.[0], 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  c.close();
  s.close();
});

test('setCiphers() on a server context widens it for old clients and keeps TLS 1.3', async () => {
  const server = serverContext();
  server.setCiphers('ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA');
  const [c, s] = await handshake(server, tls12Client('ECDHE-ECDSA-AES128-SHA'));
  assert.equal(c.cipher()?.[0], 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA');
  c.close();
  s.close();
  const modern = new SSLContext(PROTOCOL_TLS_CLIENT);
  modern.checkHostname = false;
  modern.verifyMode = CERT_NONE;
  const [c13, s13] = await handshake(server, modern);
  assert.equal(c13.version(), 'TLSv1.3');
  c13.close();
  s13.close();
});

test('a server context refuses a renegotiation the client starts on TLS 1.2', async () => {
  const srv = await listener();
  const port = srv.getsockname()[1] as number;
  const client = tlsConnect({
    host: '127.0.0.1',
    port,
    maxVersion: 'TLSv1.2',
    rejectUnauthorized: false,
  });
  client.on('error', () => {});
  let server: SSLSocket | undefined;
  try {
    const [conn] = await srv.accept();
    [server] = await Promise.all([
      serverContext().wrapSocket(conn, { serverSide: true }),
      new Promise((resolve) => client.once('secureConnect', resolve)),
    ]);
    client.write('before');
    assert.equal((await readExactly(server, 6)).toString(), 'before');
    const outcome = new Promise<string>((resolve) => {
      client.once('secure', () => resolve('renegotiated'));
      client.once('error', (err) => resolve(`error: ${err.message}`));
      client.once('close', () => resolve('closed'));
    });
    // Reading makes the client see the server's answer to its ClientHello.
    client.on('data', () => {});
    assert.ok(
      client.renegotiate({ rejectUnauthorized: false }, () => {}),
      'the client sent its ClientHello',
    );
    // The server reads on, so it sees the client's renegotiation attempt.
    const served = server.recv(100).then(
      (data) => `read ${data.length}`,
      (err: unknown) => `failed: ${String(err)}`,
    );
    const result = await outcome;
    assert.notEqual(result, 'renegotiated');
    assert.match(result, /error: .*no renegotiation|closed/i);
    // The client gives up; the server's side of the connection just ends, with nothing read.
    client.destroy();
    assert.match(await served, /^read 0$|^failed: /);
  } finally {
    client.destroy();
    server?.close();
    srv.close();
  }
});
