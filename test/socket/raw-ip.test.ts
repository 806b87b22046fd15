import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AF_INET,
  IP_HDRINCL,
  IPPROTO_IP,
  IPPROTO_RAW,
  IPPROTO_UDP,
  inetAton,
  SOCK_DGRAM,
  SOCK_RAW,
  type Socket,
  socket,
} from '../../src/socket/index.js';
import { requires } from '../support/interop.js';
import { needsFdSockets } from './fd-socket-support.js';

const isRoot = process.getuid?.() === 0;

/** An IPv4 header and a UDP header before `payload`; the kernel fills length, id and checksum. */
function udpPacket(source: number, port: number, payload: Buffer): Buffer {
  const packet = Buffer.alloc(28 + payload.length);
  packet[0] = 0x45; // version 4, 5 words of header
  packet[8] = 64; // TTL
  packet[9] = IPPROTO_UDP;
  inetAton('127.0.0.1').copy(packet, 12);
  inetAton('127.0.0.1').copy(packet, 16);
  packet.writeUInt16BE(source, 20);
  packet.writeUInt16BE(port, 22);
  packet.writeUInt16BE(8 + payload.length, 24);
  // A UDP checksum of 0 means "none" over IPv4.
  payload.copy(packet, 28);
  return packet;
}

/** Reads from a raw UDP socket until the datagram for `port` shows up. */
async function sniff(raw: Socket, port: number): Promise<Buffer> {
  for (;;) {
    const data = await raw.recv(65536);
    const headerLength = ((data[0] as number) & 0xf) * 4;
    if (data[9] === IPPROTO_UDP && data.readUInt16BE(headerLength + 2) === port) return data;
  }
}

describe('raw IP sockets', needsFdSockets(), () => {
  test(
    'an IPPROTO_RAW socket sends a UDP datagram whose headers we wrote, and a raw UDP socket sees it',
    requires(isRoot ? null : 'raw sockets need root (CAP_NET_RAW)'),
    async () => {
      const receiver = socket(AF_INET, SOCK_DGRAM);
      const raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
      const sniffer = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
      receiver.settimeout(10);
      sniffer.settimeout(10);
      try {
        await receiver.bind(['127.0.0.1', 0]);
        const [, port] = receiver.getsockname() as [string, number];
        // IPPROTO_RAW implies the header is ours; asking again is allowed and reads back as set.
        raw.setsockopt(IPPROTO_IP, IP_HDRINCL, 1);
        assert.equal(raw.getsockopt(IPPROTO_IP, IP_HDRINCL), 1);
        const payload = Buffer.from('hand-made headers');
        const seen = sniff(sniffer, port);
        await raw.sendto(udpPacket(4242, port, payload), ['127.0.0.1', 0]);
        const [data, from] = await receiver.recvfrom(100);
        assert.equal(data.toString(), 'hand-made headers');
        assert.deepEqual(from, ['127.0.0.1', 4242], 'the source port we wrote');
        const packet = await seen;
        assert.equal(packet.subarray(28).toString(), 'hand-made headers');
        assert.equal(
          packet.readUInt16BE(2),
          28 + payload.length,
          'the kernel filled the length in',
        );
      } finally {
        sniffer.close();
        raw.close();
        receiver.close();
      }
    },
  );
});
