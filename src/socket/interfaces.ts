/**
 * Network interface names and indexes, as Python's `socket.if_nameindex()`,
 * `if_nametoindex()` and `if_indextoname()`: read from Linux's `/sys/class/net/<name>/ifindex`,
 * which holds what `if_nametoindex(3)` asks the kernel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe } from './address.js';
import { SocketError } from './errors.js';

const SYS_NET = '/sys/class/net';
/** `IFNAMSIZ - 1`: the longest interface name Linux has. */
const MAX_NAME = 15;

function noInterface(op: string, detail: string): SocketError {
  return new SocketError('ENXIO', { op, detail });
}

function indexOf(name: string): number | null {
  try {
    const index = Number.parseInt(readFileSync(`${SYS_NET}/${name}/ifindex`, 'latin1'), 10);
    return Number.isInteger(index) && index > 0 ? index : null;
  } catch {
    return null;
  }
}

/**
 * Every network interface as `[index, name]`, ordered by index, as Python's
 * `socket.if_nameindex()`.
 * @returns the pairs.
 * @throws {SocketError} `ENOSYS` where `/sys/class/net` cannot be read (not Linux).
 * @example ifNameindex(); // [[1, 'lo'], [2, 'eth0']]
 */
export function ifNameindex(): Array<[number, string]> {
  let names: string[];
  try {
    names = readdirSync(SYS_NET);
  } catch {
    throw new SocketError('ENOSYS', {
      op: 'if_nameindex',
      detail: `interfaces are read from ${SYS_NET}, which this system does not have`,
    });
  }
  const pairs: Array<[number, string]> = [];
  for (const name of names) {
    const index = indexOf(name);
    if (index !== null) pairs.push([index, name]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}

/**
 * The index of the interface called `name`, as Python's `socket.if_nametoindex()`.
 * @returns the index (1 and up).
 * @throws {TypeError} for a name that is not a string.
 * @throws {SocketError} `ENXIO` when no interface has that name (Python's `OSError`).
 * @example ifNametoindex('lo'); // 1
 */
export function ifNametoindex(name: string): number {
  if (typeof name !== 'string')
    throw new TypeError(`if_nametoindex(): name must be a string, got ${describe(name)}`);
  // A name is one path component of at most IFNAMSIZ - 1 bytes: never a way out of /sys.
  const plausible =
    name.length > 0 &&
    name.length <= MAX_NAME &&
    !name.includes('/') &&
    name !== '.' &&
    name !== '..';
  const index = plausible ? indexOf(name) : null;
  if (index === null) throw noInterface('if_nametoindex', 'no interface with this name');
  return index;
}

/**
 * The name of the interface with index `index`, as Python's `socket.if_indextoname()`.
 * @returns the name.
 * @throws {TypeError} for an index that is not an integer; {RangeError} below 0 or above 2³²−1.
 * @throws {SocketError} `ENXIO` when no interface has that index.
 * @example ifIndextoname(1); // 'lo'
 */
export function ifIndextoname(index: number): string {
  if (!Number.isInteger(index))
    throw new TypeError(`if_indextoname(): index must be an integer, got ${describe(index)}`);
  if (index < 0 || index > 0xffffffff)
    throw new RangeError(`if_indextoname(): index must be 0 to 4294967295, got ${index}`);
  for (const [found, name] of ifNameindex()) if (found === index) return name;
  throw noInterface('if_indextoname', 'no such device or address');
}
