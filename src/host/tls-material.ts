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
 * making a self-signed pair there on first run (the key readable by its owner only). The
 * context is a server context (AEAD-only TLS 1.2 suites in the server's order, no
 * renegotiation); a non-empty `ciphers` replaces its TLS 1.2 suites.
 * @param dataDir where a self-signed pair is kept.
 * @param configured the `tls` table: `cert`, `key` and `ciphers` (`''`: the defaults).
 * @param hosts names and addresses the self-signed certificate should cover.
 * @returns the files in use and the server context.
 * @throws {Error} when a configured file cannot be read or does not hold a usable pair, or
 *   OpenSSL cannot use `ciphers`.
 * @example
 * const { context } = await loadTlsMaterial('./polyport-data', config.tls, ['127.0.0.1']);
 */
export async function loadTlsMaterial(
  dataDir: string,
  configured: { readonly cert: string; readonly key: string; readonly ciphers?: string },
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
  const ciphers = configured.ciphers ?? '';
  if (ciphers !== '') {
    context.setCiphers(ciphers);
    try {
      context.secureContext();
    } catch (err) {
      throw new Error(`tls.ciphers = "${ciphers}": OpenSSL cannot use it (${errorText(err)})`, {
        cause: err,
      });
    }
  }
  context.secureContext();
  return { certFile, keyFile, selfSigned, context };
}

function errorText(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(err);
}
