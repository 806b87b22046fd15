/**
 * What `select()`, `poll()` and the selectors accept: a polyport socket (plain, TLS, listening,
 * UDP), an object exposing one as `socket` (a dispatcher, a protocol client), and — as CPython
 * on Unix — any file descriptor: an integer, or an object whose `fileno()` returns one (pipes,
 * ttys, stdin, regular files).
 */
import { DescriptorReadiness, SocketError, type Watchable } from '../socket/index.js';

/** An object with a file descriptor, as Python's "file-like object with a fileno() method". */
export interface HasFileno {
  /** The descriptor. */
  fileno(): number;
}

/**
 * A socket, an object that exposes one as its `socket` property, a file descriptor, or an
 * object whose `fileno()` returns one.
 */
export type Selectable = Watchable | { readonly socket: Watchable } | number | HasFileno;

/**
 * Finds the readiness behind `fileobj`: the socket itself, the one it exposes, or the
 * descriptor it is or names.
 * @param fileobj what was passed.
 * @param op the call, for messages.
 * @param descriptors readiness already made for descriptors in this call, so the same number
 *   listed twice (read and write) is watched once.
 * @returns what to watch.
 * @throws {TypeError} when `fileobj` is none of these, or `fileno()` returns no integer;
 *   {RangeError} for a negative descriptor; {SocketError} `ESOCKTNOSUPPORT` for a descriptor
 *   when the native addon is not built.
 * @example watchableOf(0, 'select').fileno(); // 0
 */
export function watchableOf(
  fileobj: Selectable,
  op: string,
  descriptors?: Map<number, Watchable>,
): Watchable {
  if (isWatchable(fileobj)) return fileobj;
  const inner = (fileobj as { socket?: unknown } | null)?.socket;
  if (isWatchable(inner)) return inner;
  if (typeof fileobj === 'number') return descriptor(fileobj, op, descriptors);
  if (typeof (fileobj as Partial<HasFileno> | null)?.fileno === 'function') {
    const fd = (fileobj as HasFileno).fileno();
    if (typeof fd !== 'number') {
      throw new TypeError(`${op}(): fileno() returned a non-integer: ${String(fd)}`);
    }
    return descriptor(fd, op, descriptors);
  }
  throw new TypeError(
    `${op}(): expected a polyport socket, a file descriptor or an object with a fileno() method, got ${describeObject(fileobj)}`,
  );
}

function descriptor(fd: number, op: string, made: Map<number, Watchable> | undefined): Watchable {
  const known = made?.get(fd);
  if (known !== undefined) return known;
  const readiness = new DescriptorReadiness(fd, op);
  made?.set(fd, readiness);
  return readiness;
}

function isWatchable(value: unknown): value is Watchable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Watchable).watch === 'function' &&
    'readiness' in value
  );
}

function describeObject(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** The file descriptor for messages and keys, as Python's `fileno()`; -1 when there is none. */
export function filenoOf(watchable: Watchable): number {
  try {
    return watchable.fileno();
  } catch {
    return -1;
  }
}

/** Throws `EBADF`, as Python's `select()` does for a closed socket or descriptor. */
export function badFile(op: string): SocketError {
  return new SocketError('EBADF', { op, detail: 'bad file descriptor' });
}
