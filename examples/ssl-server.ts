/**
 * A TLS echo server with a self-signed certificate, so `examples/ssl-client.ts` has something
 * to talk to. It makes a certificate for localhost/127.0.0.1/::1 with `selfSignedCertificate()`,
 * writes it to a temporary file (give that file to a client that verifies, such as
 * `ssl-client.ts --cafile` or `curl --cacert`), accepts TCP connections and wraps each one with
 * an `SSLContext` on the server side.
 *
 *     node --import tsx examples/ssl-server.ts [port] [host]
 *
 * The port defaults to 10443 (0 picks a free one), the host to 127.0.0.1. It echoes what it
 * receives; like an HTTP/1.0 server it closes the connection after a request head (a blank
 * line), so a client that sends an HTTP request and reads until the end gets an answer and an
 * end. `openssl s_client -connect 127.0.0.1:10443` works too. Ctrl-C stops it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AF_INET,
  PROTOCOL_TLS_SERVER,
  SOCK_STREAM,
  type Socket,
  type SocketAddress,
  SocketError,
  SSLContext,
  selfSignedCertificate,
  socket,
} from '../src/socket/index.js';

const port = Number(process.argv[2] ?? 10443);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: ssl-server.ts [port] [host]');
  process.exit(2);
}

const { cert, key } = await selfSignedCertificate({ hosts: ['localhost', '127.0.0.1', '::1'] });
const context = new SSLContext(PROTOCOL_TLS_SERVER);
context.loadCertChainPem(cert, key);
const certDir = mkdtempSync(join(tmpdir(), 'polyport-ssl-'));
const certFile = join(certDir, 'cert.pem');
writeFileSync(certFile, cert);

const END_OF_HEAD = Buffer.from('\r\n\r\n');
const open = new Set<Socket>();
let stopping = false;

/** Handshakes, then echoes until the peer closes or a request head is complete. */
async function serve(conn: Socket, peer: string): Promise<void> {
  open.add(conn);
  let tls: Socket | null = null;
  try {
    // A client that never starts the handshake must not hold a connection for ever.
    conn.settimeout(10);
    tls = await context.wrapSocket(conn, { serverSide: true });
    open.add(tls);
    // Only the last bytes matter for spotting the blank line, even when it is split by reads.
    let tail = Buffer.alloc(0);
    for (;;) {
      const data = await tls.recv(4096);
      if (data.length === 0) break;
      await tls.sendall(data);
      tail = Buffer.concat([tail, data]).subarray(-END_OF_HEAD.length);
      if (tail.equals(END_OF_HEAD)) break;
    }
    console.log(`done with ${peer}`);
  } catch (err) {
    // A failed handshake or a reset ends this connection only (SSLError is a SocketError).
    if (!(err instanceof SocketError)) throw err;
    if (!stopping) console.log(`${peer}: ${err.message}`);
  } finally {
    tls?.close();
    conn.close();
    if (tls !== null) open.delete(tls);
    open.delete(conn);
  }
}

const server = socket(AF_INET, SOCK_STREAM);
await server.bind([host, port]);
await server.listen(5);
const [boundHost, boundPort] = server.getsockname() as [string, number];

process.once('SIGINT', () => {
  stopping = true;
  server.close();
  for (const sock of open) sock.close();
});
// Announce the port only now that Ctrl-C is handled: whoever reads it may signal at once.
console.log(`listening on ${boundHost}:${boundPort} (TLS)`);
console.log(`certificate: ${certFile}`);

for (;;) {
  let accepted: [Socket, SocketAddress];
  try {
    accepted = await server.accept();
  } catch (err) {
    if (stopping) break;
    throw err;
  }
  const [conn, [peerHost, peerPort]] = accepted as [Socket, [string, number]];
  void serve(conn, `${peerHost}:${peerPort}`);
}
rmSync(certDir, { recursive: true, force: true });
console.log('server stopped');
