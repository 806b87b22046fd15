/**
 * `openssl s_client` against polyport's TLS servers (SMTP STARTTLS, POP3S): the TLS settings
 * every server context has (issue 16) hold for a real client. AEAD suites only on TLS 1.2,
 * renegotiation refused, and a certificate whose EC key is for signing only.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverTls, startMail } from '../protocols/mail/service-support.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

/** A running `openssl s_client`: its output so far, input, and how it ended. */
class SClient {
  readonly #child: ChildProcess;
  #output = '';
  #waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.#child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      this.#output += chunk.toString('latin1');
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.#child.stdout!.on('data', collect);
    this.#child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.#child.once('close', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  get output(): string {
    return this.#output;
  }

  write(text: string): void {
    this.#child.stdin!.write(text);
  }

  end(): void {
    this.#child.stdin!.end();
  }

  /** Waits until the output matches `pattern`; rejects if s_client ends or 10 s pass first. */
  async waitFor(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    let ended = false;
    void this.exited.then(() => {
      ended = true;
    });
    while (!pattern.test(this.#output)) {
      if (ended || Date.now() > deadline) {
        throw new Error(`s_client never printed ${pattern}; it printed:\n${this.#output}`);
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Waits up to 10 s for s_client to end by itself; ends its input if it has not. */
  async finish(): Promise<number | null> {
    const timer = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 10_000));
    if ((await Promise.race([this.exited, timer])) === 'running') this.end();
    return this.exited;
  }

  kill(): void {
    this.#child.kill();
  }
}

/** Runs s_client with its input closed at once: the handshake, the session summary, the end. */
async function handshakeOnly(
  args: readonly string[],
): Promise<{ code: number | null; output: string }> {
  const client = new SClient(args);
  client.end();
  const code = await client.exited;
  return { code, output: client.output };
}

test(
  'openssl s_client offering only CBC suites on TLS 1.2 gets no handshake from STARTTLS or POP3S',
  needs('openssl'),
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls }, pop3: { tls, implicitTls: true } });
    try {
      for (const target of [
        ['-starttls', 'smtp', '-connect', `127.0.0.1:${mail.smtpPort}`],
        ['-connect', `127.0.0.1:${mail.pop3Port}`],
      ]) {
        const { code, output } = await handshakeOnly([
          ...target,
          '-tls1_2',
          '-cipher',
          'AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384',
        ]);
        assert.notEqual(code, 0, output);
        assert.match(output, /alert handshake failure|Cipher is \(NONE\)/);
      }
    } finally {
      await mail.stop();
    }
  },
);

test(
  'openssl s_client agrees an AEAD suite on TLS 1.2 and TLS 1.3, and the certificate signs only',
  needs('openssl'),
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls }, pop3: { tls, implicitTls: true } });
    try {
      const smtp = ['-starttls', 'smtp', '-connect', `127.0.0.1:${mail.smtpPort}`];
      const pop3s = ['-connect', `127.0.0.1:${mail.pop3Port}`];
      for (const [target, suite] of [
        [smtp, 'ECDHE-ECDSA-AES128-GCM-SHA256'],
        [pop3s, 'ECDHE-ECDSA-CHACHA20-POLY1305'],
      ] as const) {
        const { code, output } = await handshakeOnly([...target, '-tls1_2', '-cipher', suite]);
        assert.equal(code, 0, output);
        assert.match(output, new RegExp(`New, TLSv1\\.2, Cipher is ${suite}\\n`));
      }
      const modern = await handshakeOnly([...smtp, '-tls1_3', '-showcerts']);
      assert.equal(modern.code, 0, modern.output);
      assert.match(modern.output, /New, TLSv1\.3, Cipher is TLS_/);
      const pem = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/.exec(modern.output);
      assert.ok(pem !== null, modern.output);
      const x509 = execFile('openssl', ['x509', '-noout', '-ext', 'keyUsage']);
      const usage = new Promise<string>((resolve, reject) => {
        let text = '';
        x509.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
        });
        x509.once('close', (c) => (c === 0 ? resolve(text) : reject(new Error(`x509 exit ${c}`))));
      });
      x509.stdin!.end(pem[0]);
      assert.match(await usage, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    } finally {
      await mail.stop();
    }
  },
);

test(
  'openssl s_client asking to renegotiate (R) on TLS 1.2 after STARTTLS is refused',
  needs('openssl'),
  async () => {
    const tls = await serverTls();
    const mail = await startMail({ smtp: { tls } });
    const client = new SClient([
      ...['-starttls', 'smtp', '-connect', `127.0.0.1:${mail.smtpPort}`, '-tls1_2'],
    ]);
    try {
      // s_client reads its input once the handshake is done: this NOOP goes over TLS, and its
      // reply (unlike the EHLO lines before STARTTLS, which s_client echoes) says TLS is up.
      client.write('NOOP\n');
      await client.waitFor(/\n250 2\.0\.0 Ok\r?\n/);
      client.write('R\n');
      await client.waitFor(/RENEGOTIATING/);
      const code = await client.finish();
      assert.notEqual(code, 0, client.output);
      assert.match(client.output, /no renegotiation/);
    } finally {
      client.kill();
      await mail.stop();
    }
  },
);

test('openssl is the tool these tests mean', needs('openssl'), async () => {
  const { stdout } = await run('openssl', ['version']);
  assert.match(stdout, /^OpenSSL \d/);
});
