/**
 * A real ClientHello (the first flight Node's TLS client sends), captured once, to send whole
 * or in part by hand: a TLS client that stops mid-handshake.
 */
import { type AddressInfo, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

let captured: Promise<Buffer> | undefined;

/** The ClientHello bytes (TLS record included). */
export function clientHello(): Promise<Buffer> {
  captured ??= (async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise<Buffer>((resolve) => {
        server.once('connection', (conn) => {
          conn.once('data', (hello: Buffer) => {
            resolve(hello);
            conn.destroy();
          });
        });
        tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }).on('error', () => {});
      });
    } finally {
      server.close();
    }
  })();
  return captured;
}

/**
 * True when `bytes` (what a TLS port sent) hold no plaintext: nothing, or TLS records only
 * (content types 20–23: change cipher spec, alert, handshake, application data; version 3.x).
 */
export function onlyTlsRecords(bytes: Buffer): boolean {
  let at = 0;
  while (at < bytes.length) {
    if (at + 5 > bytes.length) return true; // a record cut short is still not plaintext
    const type = bytes[at]!;
    if (type < 20 || type > 23 || bytes[at + 1] !== 3) return false;
    at += 5 + bytes.readUInt16BE(at + 3);
  }
  return true;
}
