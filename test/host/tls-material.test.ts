/** The server TLS context `serve()` gives HTTPS, FTP, SMTP and POP3, and the `tls.ciphers` key. */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, test } from 'node:test';
import { effectiveConfig } from '../../src/host/config/index.js';
import { loadTlsMaterial } from '../../src/host/tls-material.js';
import { CERT_NONE, PROTOCOL_TLS_CLIENT, SSLContext, SSLError } from '../../src/socket/index.js';
import { tcpPair } from '../socket/support.js';
import { tempDir } from '../support/host.js';

const dataDir = tempDir();
after(() => rm(dataDir, { recursive: true, force: true }));

/** A TLS 1.2 client that offers only one CBC suite, as a client from before AEAD would. */
function oldClient(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  ctx.verifyMode = CERT_NONE;
  ctx.maximumVersion = 'TLSv1.2';
  ctx.setCiphers('ECDHE-ECDSA-AES128-SHA');
  return ctx;
}

/** Handshakes and hangs up; resolves with the suite agreed, rejects with the client's error. */
async function handshake(server: SSLContext, client: SSLContext): Promise<string | undefined> {
  const [a, b] = await tcpPair();
  const [c, s] = await Promise.allSettled([
    client.wrapSocket(a),
    server.wrapSocket(b, { serverSide: true }),
  ]);
  if (s.status === 'fulfilled') s.value.close();
  a.close();
  b.close();
  if (c.status === 'rejected') throw c.reason;
  const suite = c.value.cipher()?.[0];
  c.value.close();
  return suite;
}

test('tls.ciphers defaults to "" and takes an OpenSSL cipher string', () => {
  assert.equal(effectiveConfig().tls.ciphers, '');
  const widened = effectiveConfig({}, { sets: ['tls.ciphers=ECDHE+AESGCM:ECDHE+AES'] });
  assert.equal(widened.tls.ciphers, 'ECDHE+AESGCM:ECDHE+AES');
});

test('loadTlsMaterial() gives a context that refuses CBC-only clients unless tls.ciphers widens it', async () => {
  const strict = await loadTlsMaterial(dataDir, { cert: '', key: '', ciphers: '' }, []);
  await assert.rejects(handshake(strict.context, oldClient()), SSLError);
  const widened = await loadTlsMaterial(
    dataDir,
    { cert: '', key: '', ciphers: 'ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES' },
    [],
  );
  assert.equal(
    await handshake(widened.context, oldClient()),
    'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  );
});

test('loadTlsMaterial() refuses a tls.ciphers that OpenSSL cannot use, naming the key', async () => {
  await assert.rejects(
    loadTlsMaterial(dataDir, { cert: '', key: '', ciphers: 'NO-SUCH-CIPHER' }, []),
    /tls\.ciphers/,
  );
});
