/**
 * What `select()`, `poll()` and the selectors accept: a polyport socket (plain, TLS, listening,
 * UDP), or any object exposing one as `socket` (a dispatcher, a protocol client).
 */
import { SocketError, type Watchable } from '../socket/index.js';

/** A socket, or an object that exposes one as its `socket` property. */
export type Selectable = Watchable | { readonly socket: Watchable };

/**
 * Finds the socket behind `fileobj`.
 * @throws {TypeError} when `fileobj` is neither a socket nor exposes one.
 */
export function watchableOf(fileobj: Selectable, op: string): Watchable {
  if (isWatchable(fileobj)) return fileobj;
  const inner = (fileobj as { socket?: unknown } | null)?.socket;
  if (isWatchable(inner)) return inner;
  throw new TypeError(
    `${op}(): expected a polyport socket or an object with a 'socket' property, got ${describeObject(fileobj)}`,
  );
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

/** Throws `EBADF`, as Python's `select()` does for a closed file. */
export function badFile(op: string): SocketError {
  return new SocketError('EBADF', { op, detail: 'bad file descriptor (socket is closed)' });
}
