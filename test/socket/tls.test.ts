import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LineSplitter } from '../../src/protocols/common/line-splitter.js';
import {
  CERT_REQUIRED,
  type CertificatePair,
  MSG_PEEK,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SHUT_WR,
  type Socket,
  SSLCertVerificationError,
  SSLContext,
  SSLError,
  SSLSocket,
  selfSignedCertificate,
  ssl,
} from '../../src/socket/index.js';
import { readAll, readExactly, sleep, tcpPair } from './support.js';

let localhost: CertificatePair;
let other: CertificatePair;

before(async () => {
  [localhost, other] = await Promise.all([
    selfSignedCertificate(),
    selfSignedCertificate({ hosts: ['other.test'] }),
  ]);
});

function serverContext(pair = localhost): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(pair.cert, pair.key);
  return ctx;
}

function clientContext(trust = localhost.cert): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations(undefined, undefined, trust);
  return ctx;
}

/** Wraps both ends of a fresh pair; rejects with whichever side failed. */
async function handshake(
  server: SSLContext,
  client: SSLContext,
  serverHostname: string | undefined = 'localhost',
): Promise<[SSLSocket, SSLSocket, Socket, Socket]> {
  const [a, b] = await tcpPair();
  const results = await Promise.allSettled([
    client.wrapSocket(a, serverHostname === undefined ? {} : { serverHostname }),
    server.wrapSocket(b, { serverSide: true }),
  ]);
  const [c, s] = results;
  if (c.status === 'fulfilled' && s.status === 'fulfilled') return [c.value, s.value, a, b];
  if (c.status === 'fulfilled') c.value.close();
  if (s.status === 'fulfilled') s.value.close();
  a.close();
  b.close();
  throw c.status === 'rejected' ? c.reason : (s as PromiseRejectedResult).reason;
}

describe('TLS', () => {
  test('a client and a server with a certificate made in the test talk both ways', async () => {
    const [client, server, plainA] = await handshake(serverContext(), clientContext());
    assert.ok(client instanceof SSLSocket);
    assert.equal(plainA.closed, true, 'the plain socket is detached');
    assert.match(client.version() ?? '', /^TLSv1\.[23]$/);
    assert.equal(client.cipher()?.[1], client.version());
    assert.ok(client.getpeercert()?.subject);
    assert.ok((client.getpeercert(true)?.length ?? 0) > 100);
    assert.equal(server.getpeercert(), null);
    await client.sendall('hello over tls');
    assert.equal((await readExactly(server, 14)).toString(), 'hello over tls');
    await server.sendall('and back');
    server.shutdown(SHUT_WR);
    assert.equal((await readAll(client)).toString(), 'and back');
    client.close();
    server.close();
  });

  test('an untrusted certificate fails with SSLCertVerificationError', async () => {
    await assert.rejects(handshake(serverContext(), clientContext(other.cert)), (err: unknown) => {
      assert.ok(err instanceof SSLCertVerificationError, String(err));
      assert.equal(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      return true;
    });
  });

  test('a certificate for another name fails host name checking', async () => {
    await assert.rejects(
      handshake(serverContext(other), clientContext(other.cert), 'localhost'),
      SSLCertVerificationError,
    );
  });

  test('an IP address as serverHostname is checked against the certificate (regression: localhost was checked)', async () => {
    const ipOnly = await selfSignedCertificate({ hosts: ['127.0.0.1'] });
    const nameOnly = await selfSignedCertificate({ hosts: ['localhost'] });
    const [c, s] = await handshake(serverContext(ipOnly), clientContext(ipOnly.cert), '127.0.0.1');
    c.close();
    s.close();
    await assert.rejects(
      handshake(serverContext(nameOnly), clientContext(nameOnly.cert), '127.0.0.1'),
      SSLCertVerificationError,
    );
  });

  test('checkHostname requires serverHostname', async () => {
    const [a, b] = await tcpPair();
    await assert.rejects(clientContext().wrapSocket(a), TypeError);
    a.close();
    b.close();
  });

  test('a server context without a certificate refuses to wrap', async () => {
    const [a, b] = await tcpPair();
    await assert.rejects(
      new SSLContext(PROTOCOL_TLS_SERVER).wrapSocket(b, { serverSide: true }),
      SSLError,
    );
    a.close();
    b.close();
  });

  test('sniCallback picks the context for the name the client asks for', async () => {
    const server = serverContext();
    const otherContext = serverContext(other);
    const asked: string[] = [];
    server.sniCallback = (name) => {
      asked.push(name);
      return name === 'other.test' ? otherContext : undefined;
    };
    const [c, s] = await handshake(server, clientContext(other.cert), 'other.test');
    assert.deepEqual(asked, ['other.test']);
    assert.equal(s.serverHostname, 'other.test');
    assert.equal(c.getpeercert()?.subject?.CN, 'other.test');
    c.close();
    s.close();
  });

  test('ALPN selects the first protocol both sides offer', async () => {
    const server = serverContext();
    server.setAlpnProtocols(['h2', 'http/1.1']);
    const client = clientContext();
    client.setAlpnProtocols(['http/1.1']);
    const [c, s] = await handshake(server, client);
    assert.equal(c.selectedAlpnProtocol(), 'http/1.1');
    assert.equal(s.selectedAlpnProtocol(), 'http/1.1');
    c.close();
    s.close();
  });

  test('a server requiring a client certificate accepts a trusted one and reads its subject', async () => {
    const server = serverContext();
    server.verifyMode = CERT_REQUIRED;
    server.loadVerifyLocations(undefined, undefined, other.cert);
    const client = clientContext();
    client.loadCertChainPem(other.cert, other.key);
    const [c, s] = await handshake(server, client);
    assert.equal(s.getpeercert()?.subject?.CN, 'other.test');
    c.close();
    s.close();
  });

  test('ssl() wraps a client socket without certificate checks', async () => {
    const [a, b] = await tcpPair();
    const [client, server] = await Promise.all([
      ssl(a),
      serverContext().wrapSocket(b, { serverSide: true }),
    ]);
    await client.sendall('seed');
    assert.equal((await readExactly(server, 4)).toString(), 'seed');
    client.close();
    server.close();
  });

  test('a STARTTLS upgrade loses and repeats no byte when the ClientHello follows the command at once', async () => {
    const [a, b] = await tcpPair();
    // Client: the command and the ClientHello leave back to back, with no reply awaited.
    const clientSide = (async () => {
      await a.sendall('EHLO x\r\nSTARTTLS\r\n');
      const tls = await clientContext().wrapSocket(a, { serverHostname: 'localhost' });
      await tls.sendall('secret after the switch');
      tls.shutdown(SHUT_WR);
      const reply = await readAll(tls);
      tls.close();
      return reply.toString();
    })();
    // Server: reads lines with a line splitter that may read past STARTTLS into the ClientHello.
    // Let the ClientHello arrive too, so the first recv() reads past the command.
    await sleep(50);
    const lines = new LineSplitter({ maxLineLength: 512 });
    const seen: string[] = [];
    while (!seen.includes('STARTTLS')) {
      lines.push(await b.recv(4096));
      // Stop at STARTTLS: what follows it is TLS, not lines.
      for (let e = lines.next(); e !== null && !seen.includes('STARTTLS'); ) {
        if (e.type === 'line') seen.push(e.line.toString());
        if (!seen.includes('STARTTLS')) e = lines.next();
      }
    }
    assert.deepEqual(seen, ['EHLO x', 'STARTTLS']);
    const initialData = lines.takeBuffered();
    assert.equal(initialData[0], 0x16, 'the line reader holds the start of the ClientHello');
    const tls = await serverContext().wrapSocket(b, { serverSide: true, initialData });
    assert.equal((await readAll(tls)).toString(), 'secret after the switch');
    await tls.sendall('ok');
    tls.close();
    assert.equal(await clientSide, 'ok');
  });

  test('a STARTTLS upgrade after reading exactly the command line leaves the handshake to TLS', async () => {
    const [a, b] = await tcpPair();
    const clientSide = (async () => {
      await a.sendall('STARTTLS\r\n');
      const tls = await clientContext().wrapSocket(a, { serverHostname: 'localhost' });
      await tls.sendall('x');
      tls.close();
    })();
    let peeked = await b.recv(100, MSG_PEEK);
    while (!peeked.includes('\n')) peeked = await b.recv(100, MSG_PEEK);
    const line = await readExactly(b, peeked.indexOf('\n') + 1);
    assert.equal(line.toString(), 'STARTTLS\r\n');
    const tls = await serverContext().wrapSocket(b, { serverSide: true });
    assert.equal((await readExactly(tls, 1)).toString(), 'x');
    await clientSide;
    tls.close();
  });

  test('a handshake with a peer that speaks no TLS fails with SSLError, not a crash', async () => {
    const [a, b] = await tcpPair();
    const wrapping = serverContext().wrapSocket(b, { serverSide: true });
    await a.sendall('GET / HTTP/1.0\r\n\r\n');
    await assert.rejects(wrapping, SSLError);
    a.close();
  });

  test('closing during the handshake rejects with SSLError ECONNRESET', async () => {
    const [a, b] = await tcpPair();
    const wrapping = serverContext().wrapSocket(b, { serverSide: true });
    a.close();
    await assert.rejects(wrapping, SSLError);
  });
});
