import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classifyProbeError,
  decodeExtendedError,
  type ExtendedError,
  SO_EE_ORIGIN_ICMP,
  SO_EE_ORIGIN_ICMP6,
} from '../../../src/protocols/traceroute/codec/extended-error.js';

/** The bytes of an `IP_RECVERR` item, as the kernel writes them (little-endian here). */
function itemBytes(origin: number, type: number, code: number, offender: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(113, 0);
  head[4] = origin;
  head[5] = type;
  head[6] = code;
  head.writeUInt32LE(1400, 8);
  return Buffer.concat([head, offender]);
}

function sockaddrIn(a: number, b: number, c: number, d: number): Buffer {
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(2, 0);
  sa.set([a, b, c, d], 4);
  return sa;
}

function error(origin: number, type: number, code: number): ExtendedError {
  return { errno: 0, origin, type, code, info: 0, offender: null };
}

test('decodeExtendedError() reads sock_extended_err and the IPv4 offender after it', () => {
  const decoded = decodeExtendedError(
    itemBytes(SO_EE_ORIGIN_ICMP, 11, 0, sockaddrIn(10, 201, 1, 1)),
  );
  assert.deepEqual(decoded, {
    errno: 113,
    origin: SO_EE_ORIGIN_ICMP,
    type: 11,
    code: 0,
    info: 1400,
    offender: '10.201.1.1',
  });
});

test('decodeExtendedError() reads an IPv6 offender from its sockaddr_in6', () => {
  const sa = Buffer.alloc(28);
  sa.writeUInt16LE(10, 0);
  sa[8 + 15] = 1;
  assert.equal(decodeExtendedError(itemBytes(SO_EE_ORIGIN_ICMP6, 3, 0, sa))?.offender, '::1');
});

test('decodeExtendedError() gives no offender for a local error (family 0) and null when short', () => {
  assert.equal(decodeExtendedError(itemBytes(1, 0, 0, Buffer.alloc(16)))?.offender, null);
  assert.equal(decodeExtendedError(Buffer.alloc(15)), null);
});

test('classifyProbeError() tells a router (time exceeded) from the destination (port unreachable)', () => {
  assert.deepEqual(classifyProbeError(error(SO_EE_ORIGIN_ICMP, 11, 0)), { kind: 'hop' });
  assert.deepEqual(classifyProbeError(error(SO_EE_ORIGIN_ICMP, 3, 3)), { kind: 'reached' });
  assert.deepEqual(classifyProbeError(error(SO_EE_ORIGIN_ICMP6, 3, 0)), { kind: 'hop' });
  assert.deepEqual(classifyProbeError(error(SO_EE_ORIGIN_ICMP6, 1, 4)), { kind: 'reached' });
});

test('classifyProbeError() marks the other unreachables as traceroute(8) does', () => {
  const mark = (origin: number, code: number): string | undefined => {
    const verdict = classifyProbeError(error(origin, origin === SO_EE_ORIGIN_ICMP ? 3 : 1, code));
    return verdict.kind === 'unreachable' ? verdict.mark : undefined;
  };
  assert.deepEqual(
    [0, 1, 2, 4, 5, 13, 7].map((code) => mark(SO_EE_ORIGIN_ICMP, code)),
    ['!N', '!H', '!P', '!F', '!S', '!X', '!7'],
  );
  assert.deepEqual(
    [0, 1, 3].map((code) => mark(SO_EE_ORIGIN_ICMP6, code)),
    ['!N', '!X', '!H'],
  );
  assert.deepEqual(classifyProbeError(error(1, 0, 0)), { kind: 'other' });
});
