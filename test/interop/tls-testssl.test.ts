/**
 * testssl.sh against the HTTPS listener `serve()` runs, a few fast checks only (issue 16 item 7):
 * client-initiated renegotiation is refused and, by default, only AEAD suites are offered (no
 * NULL, export, LOW, 3DES or CBC). testssl.sh is kept to 127.0.0.1: the target is an IP literal
 * (nothing to resolve), `--nodns none` stops every DNS lookup (the reverse one of the target
 * too), and without `--phone-out` it fetches no CRL and asks no OCSP responder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Host, serve } from '../../src/host/index.js';
import { memoryLogger, portOf, SERVICE_TABLES, tempDir, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';
import { runClient } from './run-client.js';

/** One finding of testssl.sh's flat JSON output. */
interface Finding {
  readonly id: string;
  readonly severity: string;
  readonly finding: string;
}

let host: Host;
let dataDir: string | undefined;
let dir: string | undefined;

before(async () => {
  dataDir = tempDir('polyport-testssl-data-');
  // HTTP stays on: the sample site (https.root's default) is copied into dataDir only for it.
  const off = SERVICE_TABLES.filter((s) => s !== 'https' && s !== 'http');
  const config = testConfig(
    off.map((s) => `${s}.enabled=false`),
    dataDir,
  );
  host = await serve({ config, logger: memoryLogger().logger });
  dir = mkdtempSync(join(tmpdir(), 'polyport-testssl-'));
});

after(async () => {
  await host?.stop(500);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

test(
  'testssl.sh: no client-initiated renegotiation, and only AEAD suites offered by default',
  needs('testssl'),
  async () => {
    const json = join(dir!, 'testssl.json');
    const run = await runClient(
      'testssl',
      [
        // -s: the standard cipher categories; -R: renegotiation. Nothing else is probed.
        ...['-s', '-R', '--quiet', '--color', '0', '--warnings', 'batch'],
        // An IP literal target: nothing to resolve. --nodns none also stops the reverse lookup
        // of 127.0.0.1 (which would ask the machine's resolver, elsewhere); testssl.sh refuses
        // it together with --ip one, which an IP target makes moot anyway.
        ...['--nodns', 'none', '--connect-timeout', '10'],
        ...['--openssl-timeout', '10', '--jsonfile', json],
        `127.0.0.1:${portOf(host, 'https')}`,
      ],
      // testssl.sh is a shell script that runs openssl hundreds of times: about a minute on a
      // quiet machine, and over two when the suite's other files load both cores (seen in CI).
      // The runner's own limit per test is 300 s.
      { env: { HOME: dir! }, timeout: 240_000 },
    );
    // testssl.sh's exit status counts what it could not test; 0: every check ran.
    assert.equal(run.code, 0, run.output);
    const findings = JSON.parse(readFileSync(json, 'utf8')) as Finding[];
    const byId = new Map(findings.map((f) => [f.id, f]));
    const show = JSON.stringify(findings, null, 1);
    // It talked to the server we started, at the address we gave, and to nothing else.
    // (Findings about the local openssl, such as its missing GOST engine, have ip "/".)
    for (const f of findings) {
      const ip = (f as unknown as { ip?: string }).ip;
      if (ip !== undefined && ip !== '/') assert.equal(ip, '127.0.0.1/127.0.0.1', show);
    }
    assert.match(byId.get('secure_client_renego')?.finding ?? '', /not vulnerable/i, show);
    assert.match(byId.get('secure_renego')?.finding ?? '', /supported/i, show);
    for (const id of [
      'cipherlist_NULL',
      'cipherlist_aNULL',
      'cipherlist_EXPORT',
      'cipherlist_LOW',
      'cipherlist_3DES_IDEA',
      'cipherlist_AVERAGE',
    ]) {
      assert.match(byId.get(id)?.finding ?? '', /^not offered/, `${id}\n${show}`);
    }
    assert.match(byId.get('cipherlist_STRONG')?.finding ?? '', /^offered/, show);
  },
);
