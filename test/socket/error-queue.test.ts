import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  IP_RECVERR,
  IPPROTO_IP,
  MSG_ERRQUEUE,
  MSG_PEEK,
  SOCK_DGRAM,
  type Socket,
  socket,
} from '../../src/socket/index.js';
import { needsFdSockets } from './fd-socket-support.js';

/** A UDP port on 127.0.0.1 that nothing listens on now (bound, read, closed). */
async function closedUdpPort(): Promise<number> {
  const probe = socket(AF_INET, SOCK_DGRAM);
  try {
    await probe.bind(['127.0.0.1', 0]);
    return (probe.getsockname() as [string, number])[1];
  } finally {
    probe.close();
  }
}

/** A UDP socket on 127.0.0.1 that queues the ICMP errors its datagrams cause. */
async function recverrSocket(): Promise<Socket> {
  const sock = socket(AF_INET, SOCK_DGRAM);
  sock.setsockopt(IPPROTO_IP, IP_RECVERR, 1);
  sock.settimeout(10);
  await sock.bind(['127.0.0.1', 0]);
  return sock;
}

describe('the error queue (IP_RECVERR) of a descriptor socket', needsFdSockets(), () => {
  test('a recvmsg(MSG_ERRQUEUE) that waits before the ICMP error comes is woken by it', async () => {
    const sock = await recverrSocket();
    try {
      const closed = await closedUdpPort();
      const waiting = sock.recvmsg(64, 512, MSG_ERRQUEUE);
      await sock.sendto('probe', ['127.0.0.1', closed]);
      const [data, ancdata, flags] = await waiting;
      assert.equal(data.toString(), 'probe', 'the datagram that caused the error');
      assert.ok(flags & MSG_ERRQUEUE, 'MSG_ERRQUEUE in the message flags');
      const item = ancdata.find(([level, type]) => level === IPPROTO_IP && type === IP_RECVERR);
      assert.ok(item !== undefined, 'an IP_RECVERR item came');
      assert.equal(item[2].readUInt32LE(0), 111, 'ee_errno: ECONNREFUSED (port unreachable)');
    } finally {
      sock.close();
    }
  });

  // Regression: the watcher was left off while the socket was readable and writable, so a
  // reader of the error queue on a socket with unread data never woke when the error came.
  test('a recvmsg(MSG_ERRQUEUE) waiting on a socket with unread data wakes when the error comes', async () => {
    const sock = await recverrSocket();
    const peer = socket(AF_INET, SOCK_DGRAM);
    try {
      await peer.sendto('unread', sock.getsockname());
      const [unread] = await sock.recvmsg(64, 0, MSG_PEEK);
      assert.equal(unread.toString(), 'unread', 'the socket is readable before the wait');
      const closed = await closedUdpPort();
      const waiting = sock.recvmsg(64, 512, MSG_ERRQUEUE);
      await sock.sendto('probe', ['127.0.0.1', closed]);
      const [data, ancdata] = await waiting;
      assert.equal(data.toString(), 'probe');
      assert.ok(ancdata.some(([level, type]) => level === IPPROTO_IP && type === IP_RECVERR));
      const [still] = await sock.recvfrom(64);
      assert.equal(still.toString(), 'unread', 'the data waited unread throughout');
    } finally {
      peer.close();
      sock.close();
    }
  });
});
