/**
 * Ancillary data as Python's `sendmsg()`/`recvmsg()` shape it: a list of
 * `[level, type, data]` items, laid out in the `msg_control` area as Linux's `struct cmsghdr`
 * sequence (`CMSG_LEN`, `CMSG_SPACE`), and `SCM_RIGHTS` descriptor lists.
 */
import { endianness } from 'node:os';
import { describe } from './address.js';
import { SOL_SOCKET } from './constants.js';
import { SCM_CREDENTIALS, SCM_RIGHTS } from './native-constants.js';

/** One ancillary item: `[cmsg_level, cmsg_type, cmsg_data]`, as Python's tuples. */
export type AncillaryItem = readonly [level: number, type: number, data: Uint8Array];

const LITTLE = endianness() === 'LE';
/** `sizeof(size_t)`: a `cmsghdr`'s length field and the alignment of every item. */
const WORD = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(
  process.arch,
)
  ? 8
  : 4;
/** `sizeof(struct cmsghdr)`: the length, then two ints (level and type). */
const HEADER = WORD + 8;

function align(length: number): number {
  return (length + WORD - 1) & ~(WORD - 1);
}

function checkLength(length: number, op: string): void {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`${op}(): length must be a non-negative integer, got ${describe(length)}`);
}

/**
 * The `cmsg_len` of an item carrying `length` bytes of data, as Python's `socket.CMSG_LEN()`.
 * @param length the data's length.
 * @returns the header's size plus `length`, without the padding after it.
 * @throws {RangeError} for a negative or fractional length.
 * @example CMSG_LEN(4); // 20 on 64-bit Linux
 */
export function CMSG_LEN(length: number): number {
  checkLength(length, 'CMSG_LEN');
  return HEADER + length;
}

/**
 * The room an item carrying `length` bytes takes in the control area, padding included, as
 * Python's `socket.CMSG_SPACE()`: add these up for `recvmsg()`'s `ancbufsize`.
 * @param length the data's length.
 * @returns the aligned size.
 * @throws {RangeError} for a negative or fractional length.
 * @example await sock.recvmsg(1024, CMSG_SPACE(4 * maxfds));
 */
export function CMSG_SPACE(length: number): number {
  checkLength(length, 'CMSG_SPACE');
  return HEADER + align(length);
}

/**
 * Lays out ancillary items as the `msg_control` area (empty when there are none).
 * @param items `[level, type, data]` each.
 * @returns the control bytes.
 * @throws {TypeError} for an item that is not `[int, int, bytes]`.
 * @example encodeAncillary([[SOL_SOCKET, SCM_RIGHTS, fdsToBytes([5])]]);
 */
export function encodeAncillary(items: Iterable<AncillaryItem>): Buffer {
  const list = [...items];
  for (const item of list) {
    if (
      !Array.isArray(item) ||
      item.length !== 3 ||
      !Number.isInteger(item[0]) ||
      !Number.isInteger(item[1]) ||
      !(item[2] instanceof Uint8Array)
    ) {
      throw new TypeError(
        `sendmsg(): ancillary data items must be [level, type, bytes], got ${describe(item)}`,
      );
    }
  }
  let total = 0;
  // The last item needs no padding after it, as CPython lays it out.
  list.forEach((item, index) => {
    total += index === list.length - 1 ? CMSG_LEN(item[2].length) : CMSG_SPACE(item[2].length);
  });
  const control = Buffer.alloc(total);
  let offset = 0;
  for (const [level, type, data] of list) {
    const length = HEADER + data.length;
    if (WORD === 8) {
      if (LITTLE) control.writeBigUInt64LE(BigInt(length), offset);
      else control.writeBigUInt64BE(BigInt(length), offset);
    } else if (LITTLE) control.writeUInt32LE(length, offset);
    else control.writeUInt32BE(length, offset);
    if (LITTLE) {
      control.writeInt32LE(level, offset + WORD);
      control.writeInt32LE(type, offset + WORD + 4);
    } else {
      control.writeInt32BE(level, offset + WORD);
      control.writeInt32BE(type, offset + WORD + 4);
    }
    control.set(data, offset + HEADER);
    offset += HEADER + align(data.length);
  }
  return control;
}

/**
 * Reads the items of a received `msg_control` area.
 * @param control the bytes `recvmsg(2)` filled in.
 * @returns `[level, type, data]` each, as Python's `recvmsg()` gives them.
 * @example decodeAncillary(encodeAncillary([[1, 1, Buffer.alloc(4)]])); // [[1, 1, <4 bytes>]]
 */
export function decodeAncillary(control: Buffer): Array<[number, number, Buffer]> {
  const items: Array<[number, number, Buffer]> = [];
  let offset = 0;
  while (offset + HEADER <= control.length) {
    const length =
      WORD === 8
        ? Number(LITTLE ? control.readBigUInt64LE(offset) : control.readBigUInt64BE(offset))
        : LITTLE
          ? control.readUInt32LE(offset)
          : control.readUInt32BE(offset);
    if (length < HEADER) break;
    const level = LITTLE ? control.readInt32LE(offset + WORD) : control.readInt32BE(offset + WORD);
    const type = LITTLE
      ? control.readInt32LE(offset + WORD + 4)
      : control.readInt32BE(offset + WORD + 4);
    // A truncated last item (MSG_CTRUNC) keeps what arrived, as CPython does.
    const end = Math.min(offset + length, control.length);
    items.push([level, type, Buffer.from(control.subarray(offset + HEADER, end))]);
    offset += align(length);
  }
  return items;
}

/**
 * Descriptors as `SCM_RIGHTS` data: native-endian C ints, as Python's `array.array('i', fds)`.
 * @param fds the descriptors.
 * @returns the bytes.
 * @throws {TypeError} for a value that is not a non-negative integer.
 * @example sock.sendmsg([data], [[SOL_SOCKET, SCM_RIGHTS, fdsToBytes([fd])]]);
 */
export function fdsToBytes(fds: Iterable<number>): Buffer {
  const list = [...fds];
  const bytes = Buffer.alloc(list.length * 4);
  list.forEach((fd, index) => {
    if (!Number.isInteger(fd) || fd < 0)
      throw new TypeError(`file descriptors must be non-negative integers, got ${describe(fd)}`);
    if (LITTLE) bytes.writeInt32LE(fd, index * 4);
    else bytes.writeInt32BE(fd, index * 4);
  });
  return bytes;
}

/**
 * The descriptors of received ancillary data: every `SOL_SOCKET`/`SCM_RIGHTS` item's ints, a
 * partial int at the end dropped, as Python's `recv_fds()` reads them.
 * @param items what `recvmsg()` returned as ancillary data.
 * @returns the descriptors, now open in this process.
 * @example const fds = fdsOf((await sock.recvmsg(16, CMSG_SPACE(4)))[1]);
 */
export function fdsOf(items: Iterable<readonly [number, number, Uint8Array]>): number[] {
  const fds: number[] = [];
  for (const [level, type, data] of items) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let offset = 0; offset + 4 <= view.length; offset += 4)
      fds.push(LITTLE ? view.readInt32LE(offset) : view.readInt32BE(offset));
  }
  return fds;
}

/**
 * `struct ucred` as `SCM_CREDENTIALS` data: pid, uid and gid, native-endian C ints, as Python's
 * `struct.pack('3i', pid, uid, gid)`. The kernel checks them: a process may send its own
 * (root may send any).
 * @returns the 12 bytes.
 * @throws {TypeError} for a value that is not a non-negative integer.
 * @example sock.sendmsg([data], [[SOL_SOCKET, SCM_CREDENTIALS, credentialsToBytes(process.pid, process.getuid(), process.getgid())]]);
 */
export function credentialsToBytes(pid: number, uid: number, gid: number): Buffer {
  const bytes = Buffer.alloc(12);
  [pid, uid, gid].forEach((value, index) => {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      throw new TypeError(`credentials must be non-negative integers, got ${describe(value)}`);
    if (LITTLE) bytes.writeUInt32LE(value, index * 4);
    else bytes.writeUInt32BE(value, index * 4);
  });
  return bytes;
}

/**
 * The sender's `[pid, uid, gid]` from received ancillary data (the first `SOL_SOCKET`/
 * `SCM_CREDENTIALS` item, which a socket with `SO_PASSCRED` set gets with every message), as
 * Python's `struct.unpack('3i', cmsg_data)` reads it.
 * @param items what `recvmsg()` returned as ancillary data.
 * @returns the credentials, or null when none came.
 * @example const [pid, uid, gid] = credentialsOf((await sock.recvmsg(64, CMSG_SPACE(12)))[1]) ?? [];
 */
export function credentialsOf(
  items: Iterable<readonly [number, number, Uint8Array]>,
): [pid: number, uid: number, gid: number] | null {
  for (const [level, type, data] of items) {
    if (level !== SOL_SOCKET || type !== SCM_CREDENTIALS || data.byteLength < 12) continue;
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const read = (offset: number): number =>
      LITTLE ? view.readUInt32LE(offset) : view.readUInt32BE(offset);
    return [read(0), read(4), read(8)];
  }
  return null;
}
