/** The certificate `selfSignedCertificate()` makes, read back as a client's X.509 code reads it. */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { selfSignedCertificate } from '../../src/socket/index.js';

/** X.509 KeyUsage bits (RFC 5280 §4.2.1.3), as the first octet of the BIT STRING holds them. */
const DIGITAL_SIGNATURE = 0x80;
const KEY_ENCIPHERMENT = 0x20;

/**
 * The KeyUsage extension of a DER certificate: whether it is marked critical and its first
 * octet of bits; `null` when the certificate has none.
 */
function keyUsage(der: Buffer): { critical: boolean; bits: number } | null {
  // extnID id-ce-keyUsage (2.5.29.15), then critical BOOLEAN DEFAULT FALSE, then an OCTET
  // STRING wrapping the BIT STRING: 04 len 03 len unused-bits bits…
  const at = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]));
  if (at === -1) return null;
  let i = at + 5;
  let critical = false;
  if (der[i] === 0x01) {
    critical = der[i + 2] !== 0x00;
    i += 3;
  }
  assert.equal(der[i], 0x04, 'extnValue is an OCTET STRING');
  assert.equal(der[i + 2], 0x03, 'KeyUsage is a BIT STRING');
  return { critical, bits: der[i + 5] ?? 0 };
}

test('selfSignedCertificate() gives its EC key Digital Signature only, no Key Encipherment (RFC 5480 §3)', async () => {
  const { cert } = await selfSignedCertificate();
  const x509 = new X509Certificate(cert);
  assert.equal(x509.publicKey.asymmetricKeyType, 'ec');
  const usage = keyUsage(x509.raw);
  assert.ok(usage !== null, 'the certificate has a KeyUsage extension');
  assert.equal(usage.bits & DIGITAL_SIGNATURE, DIGITAL_SIGNATURE);
  assert.equal(usage.bits & KEY_ENCIPHERMENT, 0);
  assert.equal(usage.bits, DIGITAL_SIGNATURE);
  assert.ok(usage.critical, 'KeyUsage is critical (RFC 5280 §4.2.1.3)');
  assert.ok(x509.checkHost('localhost'));
  assert.ok(x509.checkIP('127.0.0.1'));
});
