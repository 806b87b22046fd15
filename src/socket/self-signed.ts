/**
 * Self-signed certificates for loopback TLS: what a test, a lab server or `polyport serve` on
 * first run needs before anyone has a real certificate.
 */
import { ipFamily } from './inet.js';

/** A certificate and its private key, PEM-encoded. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** Options for {@link selfSignedCertificate}. */
export interface SelfSignedOptions {
  /** Names and addresses the certificate is for (default: localhost, 127.0.0.1, ::1). */
  readonly hosts?: readonly string[];
  /** Days of validity (default 825, the longest clients accept for a leaf). */
  readonly days?: number;
}

/**
 * Makes a self-signed certificate (EC P-256, SHA-256, Key Usage: Digital Signature) whose
 * subject alternative names cover `hosts`, so clients that check host names accept it once
 * they trust it.
 * @returns the certificate and key in PEM.
 * @example
 * const { cert, key } = await selfSignedCertificate();
 * ctx.loadCertChainPem(cert, key);
 */
export async function selfSignedCertificate(
  options: SelfSignedOptions = {},
): Promise<CertificatePair> {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1'];
  if (hosts.length === 0) throw new RangeError('selfSignedCertificate(): hosts must not be empty');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + (options.days ?? 825) * 86_400_000);
  const altNames = hosts.map((host): { type: 2 | 7; ip?: string; value?: string } =>
    ipFamily(host) ? { type: 7, ip: host } : { type: 2, value: host },
  );
  // Loaded here, not at the top: the X.509 library is most of `polyport/socket`'s load time, and
  // only a caller that makes a certificate should pay for it.
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: hosts[0] as string }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      // An EC key only signs (ECDHE handshakes): RFC 5480 §3 forbids Key Encipherment for
      // it, which is for RSA key transport. Critical, as RFC 5280 §4.2.1.3 asks.
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
