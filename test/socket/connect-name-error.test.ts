import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AddressInfoError,
  AF_INET,
  EAI_NONAME,
  SOCK_DGRAM,
  SOCK_STREAM,
  socket,
} from '../../src/socket/index.js';

// Names under .invalid never resolve (RFC 6761), so no query leaves the machine.
const NOWHERE = ['nosuchhost.invalid', 53] as const;

describe('connect() to a name that does not resolve', () => {
  test('a UDP connect() rejects with AddressInfoError EAI_NONAME, not a raw Node error', async () => {
    const sock = socket(AF_INET, SOCK_DGRAM);
    try {
      const err = await sock.connect([...NOWHERE]).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof AddressInfoError, `got ${String(err)}`);
      assert.equal(err.code, 'EAI_NONAME');
      assert.equal(err.errno, EAI_NONAME);
      assert.match(err.message, /nosuchhost\.invalid/);
    } finally {
      sock.close();
    }
  });

  test('a TCP connect() rejects with AddressInfoError EAI_NONAME, not SocketError ENOTFOUND', async () => {
    const sock = socket(AF_INET, SOCK_STREAM);
    try {
      const err = await sock.connect([...NOWHERE]).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof AddressInfoError, `got ${String(err)}`);
      assert.equal(err.code, 'EAI_NONAME');
      assert.equal(err.errno, EAI_NONAME);
    } finally {
      sock.close();
    }
  });

  test('connectEx() raises AddressInfoError for such a name instead of returning, as Python does', async () => {
    const sock = socket(AF_INET, SOCK_STREAM);
    try {
      await assert.rejects(sock.connectEx([...NOWHERE]), AddressInfoError);
    } finally {
      sock.close();
    }
  });
});
