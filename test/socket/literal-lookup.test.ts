import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { literalLookup } from '../../src/socket/literal-lookup.js';

/** Runs a lookup; tells whether the answer came before the call returned. */
function run(
  host: string,
  family: number,
): Promise<{ sync: boolean; err: Error | null; address: string; family: number }> {
  return new Promise((resolve) => {
    let returned = false;
    literalLookup(host, family, (err, address, got) => {
      resolve({ sync: !returned, err, address, family: got });
    });
    returned = true;
  });
}

describe('literalLookup()', () => {
  test('answers an IPv4 literal before returning, as itself with family 4', async () => {
    assert.deepEqual(await run('127.0.0.1', 4), {
      sync: true,
      err: null,
      address: '127.0.0.1',
      family: 4,
    });
  });

  test('answers an IPv6 literal (with a zone, too) before returning, with family 6', async () => {
    assert.deepEqual(await run('::1', 6), { sync: true, err: null, address: '::1', family: 6 });
    const zoned = await run('fe80::1%1', 6);
    assert.equal(zoned.sync, true);
    assert.equal(zoned.address, 'fe80::1%1');
  });

  test('gives a literal of the other family unchanged, as dns.lookup() does', async () => {
    assert.deepEqual(await run('127.0.0.1', 6), {
      sync: true,
      err: null,
      address: '127.0.0.1',
      family: 4,
    });
  });

  test('looks a host name up with dns.lookup(), answering later', async () => {
    const answer = await run('localhost', 4);
    assert.equal(answer.sync, false);
    assert.equal(answer.err, null);
    assert.equal(answer.address, '127.0.0.1');
    assert.equal(answer.family, 4);
  });

  test('reports a name that does not resolve as a lookup error', async () => {
    const answer = await run('no-such-host.invalid', 4);
    assert.equal(answer.sync, false);
    assert.ok(answer.err !== null);
    assert.match(String((answer.err as NodeJS.ErrnoException).code), /ENOTFOUND|EAI_AGAIN/);
  });
});
