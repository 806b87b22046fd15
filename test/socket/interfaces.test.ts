import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { ifIndextoname, ifNameindex, ifNametoindex } from '../../src/socket/index.js';

describe('if_nameindex(), if_nametoindex(), if_indextoname()', () => {
  test('ifNameindex() lists every interface Node sees, with loopback, ordered by index', () => {
    const pairs = ifNameindex();
    const names = pairs.map(([, name]) => name);
    for (const name of Object.keys(networkInterfaces())) assert.ok(names.includes(name), name);
    assert.ok(names.includes('lo'));
    const indexes = pairs.map(([index]) => index);
    assert.deepEqual(
      indexes,
      [...indexes].sort((a, b) => a - b),
    );
  });

  test('ifNametoindex() and ifIndextoname() are inverses for every interface', () => {
    for (const [index, name] of ifNameindex()) {
      assert.equal(ifNametoindex(name), index);
      assert.equal(ifIndextoname(index), name);
    }
  });

  test('an unknown name or index fails with ENXIO, as Python’s OSError', () => {
    for (const name of ['no-such-if0', '', '..', 'lo/../lo', 'a-name-longer-than-ifnamsiz']) {
      assert.throws(() => ifNametoindex(name), { code: 'ENXIO', errno: 6 }, name);
    }
    assert.throws(() => ifIndextoname(0x7ffffff0), { code: 'ENXIO' });
    assert.throws(() => ifIndextoname(1.5), TypeError);
    assert.throws(() => ifIndextoname(-1), RangeError);
    assert.throws(() => ifNametoindex(1 as unknown as string), TypeError);
  });
});
