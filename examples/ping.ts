/**
 * ICMP echo ("ping") with a socket, as `ping` does it: on Linux an unprivileged ICMP datagram
 * socket (`socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)`, allowed to the groups in
 * `net.ipv4.ping_group_range`) where the kernel fills in the identifier and checksum and hands
 * back only our replies; otherwise a raw socket (`SOCK_RAW`, root or CAP_NET_RAW), which sees
 * every ICMP message with its IP header, so the replies are picked out by identifier.
 *
 *     node --import tsx examples/ping.ts [host] [count] [--raw]
 *
 * `host` is an IPv4 address (default 127.0.0.1), `count` the requests (default 3); `--raw`
 * skips the datagram socket. `polyport ping` is the full tool. Needs polyport's native addon
 * (`npm run build:native`).
 */
import {
  decodeEcho,
  encodeEcho,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
} from '../src/protocols/ping/codec/icmp-echo.js';
import {
  AF_INET,
  IPPROTO_ICMP,
  PermissionError,
  SOCK_DGRAM,
  SOCK_RAW,
  type Socket,
  socket,
} from '../src/socket/index.js';

const args = process.argv.slice(2).filter((arg) => arg !== '--raw');
const forceRaw = process.argv.includes('--raw');
const host = args[0] ?? '127.0.0.1';
const count = Number(args[1] ?? 3);

let sock: Socket;
let raw = forceRaw;
try {
  sock = socket(AF_INET, raw ? SOCK_RAW : SOCK_DGRAM, IPPROTO_ICMP);
} catch (err) {
  // Not in ping_group_range: a raw socket, if we may open one (PermissionError if not).
  if (!(err instanceof PermissionError) || raw) throw err;
  sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  raw = true;
}
console.log(`PING ${host} over ${raw ? 'a raw socket' : 'the ICMP datagram socket'}`);
sock.settimeout(5);

// A raw socket's identifier is ours to pick; the datagram socket's kernel replaces it.
const id = process.pid & 0xffff;
for (let sequence = 1; sequence <= count; sequence++) {
  const payload = Buffer.from(`polyport ping ${sequence}`);
  await sock.sendto(encodeEcho({ type: ICMP_ECHO_REQUEST, id, sequence, payload }), [host, 0]);
  for (;;) {
    const [bytes, [from]] = (await sock.recvfrom(1500)) as [Buffer, [string, number]];
    const reply = decodeEcho(bytes, raw);
    // A raw socket also sees our own request on loopback, and other programs' messages.
    if (reply === null || reply.type !== ICMP_ECHO_REPLY || reply.sequence !== sequence) continue;
    if (raw && reply.id !== id) continue;
    const same = reply.payload.equals(payload) ? 'payload intact' : 'payload differs';
    console.log(`${reply.payload.length + 8} bytes from ${from}: icmp_seq=${sequence} ${same}`);
    break;
  }
}
sock.close();
