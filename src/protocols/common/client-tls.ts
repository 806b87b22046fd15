/**
 * TLS settings shared by every client command (`connect`, `http`, `ftp`, `mail`): the same
 * `--insecure` and `--cafile FILE` options, and the same hint when a certificate does not verify.
 */
import {
  CERT_NONE,
  PROTOCOL_TLS_CLIENT,
  SSLCertVerificationError,
  SSLContext,
} from '../../socket/index.js';

/** What the command line said about certificate checks. */
export interface ClientTlsOptions {
  /** Skip the certificate check (self-signed lab servers). */
  readonly insecure?: boolean | undefined;
  /** Trust the CA certificates in this PEM file instead of the system's. */
  readonly cafile?: string | undefined;
}

/**
 * The client context for `options`: no checks with `insecure`, the CAs of `cafile`, or the
 * system's trusted CAs.
 * @param options `--insecure` and `--cafile`.
 * @returns the context.
 * @throws {TypeError} when both are given.
 * @throws {SSLError} when `cafile` cannot be read as PEM certificates.
 * @example const context = clientTlsContext({ cafile: 'lab-ca.pem' });
 */
export function clientTlsContext(options: ClientTlsOptions): SSLContext {
  if (options.insecure === true && options.cafile !== undefined) {
    throw new TypeError('give --insecure or --cafile, not both');
  }
  const context = new SSLContext(PROTOCOL_TLS_CLIENT);
  if (options.insecure === true) {
    context.checkHostname = false;
    context.verifyMode = CERT_NONE;
  } else if (options.cafile !== undefined) context.loadVerifyLocations(options.cafile);
  else context.loadDefaultCerts();
  return context;
}

/**
 * What to add to an error's line so the user knows the way out of a certificate that did not
 * verify; `''` for any other error.
 * @param err what the command caught.
 * @returns ` (use --cafile FILE to trust its issuer, or --insecure to skip the check)` or `''`.
 * @example io.stderr.write(`polyport http: ${err.message}${tlsHint(err)}\n`);
 */
export function tlsHint(err: unknown): string {
  return isCertificateFailure(err)
    ? ' (use --cafile FILE to trust its issuer, or --insecure to skip the check)'
    : '';
}

function isCertificateFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof SSLCertVerificationError) return true;
    // Node's own TLS errors, where a client is built on node:tls directly.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CERT_CODES.test(code)) return true;
  }
  return false;
}

const CERT_CODES =
  /^(?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|CERT_REJECTED)$/;
