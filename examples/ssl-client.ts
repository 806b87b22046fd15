/**
 * An SSL client: connect over TCP, wrap the socket in TLS, send an HTTP `HEAD` request and
 * print the reply. By default it uses `ssl()`, the seed's one-call wrap, which does not check
 * the server's certificate (fine against the self-signed `examples/ssl-server.ts`, never for
 * anything that must be secure). With `--cafile cert.pem` it builds an `SSLContext` that
 * trusts that file and checks the certificate and the host name, as Python's
 * `ssl.create_default_context(cafile=…)` does; with `--verify` it trusts the usual roots.
 *
 *     node --import tsx examples/ssl-client.ts [host] [port] [--cafile cert.pem | --verify]
 *
 * The default is 127.0.0.1:10443 (the port of `examples/ssl-server.ts`); `example.org 443
 * --verify` talks to a real web server.
 */
import {
  AF_INET,
  AF_INET6,
  createDefaultContext,
  SOCK_STREAM,
  SocketError,
  type SSLSocket,
  socket,
  ssl,
} from '../src/socket/index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const [, value] = args.splice(at, 2);
  return value ?? '';
};
const cafile = flag('--cafile');
const verifyIndex = args.indexOf('--verify');
const verify = verifyIndex !== -1;
if (verify) args.splice(verifyIndex, 1);
const host = args[0] ?? '127.0.0.1';
const port = Number(args[1] ?? 10443);
if (!Number.isInteger(port) || port < 1 || port > 65535 || cafile === '') {
  console.error('usage: ssl-client.ts [host] [port] [--cafile cert.pem | --verify]');
  process.exit(2);
}

const sock = socket(host.includes(':') ? AF_INET6 : AF_INET, SOCK_STREAM);
sock.settimeout(10);
let tls: SSLSocket | null = null;
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  (tls ?? sock).close();
});

try {
  await sock.connect([host, port]);
  if (cafile !== undefined || verify) {
    // An SSLContext that checks the chain and that the certificate names `host`.
    const context = createDefaultContext(cafile !== undefined ? { cafile } : {});
    tls = await context.wrapSocket(sock, { serverHostname: host });
  } else {
    tls = await ssl(sock);
  }
  tls.settimeout(10);
  const [cipher] = tls.cipher() ?? ['?'];
  console.log(`connected with ${tls.version()} ${cipher}`);
  await tls.sendall(`HEAD / HTTP/1.0\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  const parts: Buffer[] = [];
  for (;;) {
    const data = await tls.recv(4096);
    if (data.length === 0) break;
    parts.push(data);
  }
  process.stdout.write(Buffer.concat(parts).toString());
} catch (err) {
  // SSLError and SSLCertVerificationError are SocketErrors with a `code`, as in Python.
  if (!(err instanceof SocketError)) throw err;
  if (!interrupted) {
    console.error(`ssl-client: ${err.message}`);
    process.exitCode = 1;
  }
} finally {
  tls?.close();
  sock.close();
}
