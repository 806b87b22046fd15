/**
 * TLS material for the services that speak TLS: the configured certificate files, or a
 * self-signed certificate made on first run and kept in the data directory.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROTOCOL_TLS_SERVER, SSLContext, selfSignedCertificate } from '../socket/index.js';

/** The certificate in use and a server context made from it. */
export interface TlsMaterial {
  readonly certFile: string;
  readonly keyFile: string;
  /** Whether polyport made it (self-signed) rather than the config naming it. */
  readonly selfSigned: boolean;
  readonly context: SSLContext;
}

/**
 * Loads `cert`/`key` when given; otherwise uses `<dataDir>/tls/cert.pem` and `key.pem`,
 * making a self-signed pair there on first run (the key readable by its owner only).
 * @param hosts names and addresses the self-signed certificate should cover.
 * @throws {Error} when a configured file cannot be read or does not hold a usable pair.
 */
export async function loadTlsMaterial(
  dataDir: string,
  configured: { readonly cert: string; readonly key: string },
  hosts: readonly string[],
): Promise<TlsMaterial> {
  let certFile = configured.cert;
  let keyFile = configured.key;
  let selfSigned = false;
  if (certFile === '' || keyFile === '') {
    const dir = join(dataDir, 'tls');
    certFile = join(dir, 'cert.pem');
    keyFile = join(dir, 'key.pem');
    selfSigned = true;
    try {
      await readFile(certFile);
      await readFile(keyFile);
    } catch {
      const pair = await selfSignedCertificate({
        hosts: [...new Set(['localhost', '127.0.0.1', '::1', ...hosts])],
      });
      await mkdir(dir, { recursive: true });
      await writeFile(keyFile, pair.key, { mode: 0o600 });
      await writeFile(certFile, pair.cert, { mode: 0o644 });
    }
  }
  const context = new SSLContext(PROTOCOL_TLS_SERVER);
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  context.loadCertChainPem(cert, key);
  context.secureContext();
  return { certFile, keyFile, selfSigned, context };
}
