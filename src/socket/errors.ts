/**
 * Socket errors, shaped like Python's `OSError` family and printed like Go's `net.OpError`:
 * `connect tcp 127.0.0.1:1: connection refused (ECONNREFUSED)`.
 */
import { constants } from 'node:os';

const errnoByCode: Readonly<Record<string, number>> = constants.errno;

/** Human text for the codes a network program meets, as `strerror()` words them. */
const MESSAGES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EAGAIN: 'resource temporarily unavailable',
  EALREADY: 'operation already in progress',
  EBADF: 'bad file descriptor',
  ECONNABORTED: 'software caused connection abort',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EDESTADDRREQ: 'destination address required',
  EHOSTUNREACH: 'no route to host',
  EINPROGRESS: 'operation now in progress',
  EINVAL: 'invalid argument',
  EISCONN: 'transport endpoint is already connected',
  EMSGSIZE: 'message too long',
  ENETUNREACH: 'network is unreachable',
  ENOENT: 'no such file or directory',
  ENOPROTOOPT: 'protocol not available',
  ENOTCONN: 'transport endpoint is not connected',
  ENOTSOCK: 'socket operation on non-socket',
  EOPNOTSUPP: 'operation not supported',
  EPERM: 'operation not permitted',
  EPIPE: 'broken pipe',
  EPROTONOSUPPORT: 'protocol not supported',
  EPROTOTYPE: 'protocol wrong type for socket',
  ESOCKTNOSUPPORT: 'socket type not supported',
  ETIMEDOUT: 'connection timed out',
};

/** Where an error happened, for the message: the operation, the network, the two ends. */
export interface SocketErrorContext {
  /** The call that failed: `connect`, `bind`, `recv`, `send`, `accept`, `getaddrinfo`, … */
  readonly op?: string;
  /** The network: `tcp`, `tcp6`, `udp`, `udp6`, `unix`, `tls`. */
  readonly net?: string;
  /** Our end, formatted (`127.0.0.1:5000`). */
  readonly source?: string;
  /** The other end, formatted. */
  readonly addr?: string;
  /** The error this one wraps. */
  readonly cause?: unknown;
}

/** Options for {@link SocketError}. */
export interface SocketErrorOptions extends SocketErrorContext {
  /** The `errno` number; looked up from `code` when left out. */
  readonly errno?: number;
  /** The text after the context; `strerror()`-style words for `code` when left out. */
  readonly detail?: string;
}

const codeByErrno = new Map<number, string>(
  Object.entries(errnoByCode).map(([code, errno]) => [errno, code]),
);

/**
 * The code of a system error number, as `errno.errorcode` gives it in Python.
 * @param errno the number (111 for `ECONNREFUSED` on Linux).
 * @returns the code, or `E<number>` for a number the system does not name.
 * @example errnoCode(111); // 'ECONNREFUSED'
 */
export function errnoCode(errno: number): string {
  return codeByErrno.get(errno) ?? `E${errno}`;
}

/**
 * The base socket error, as `OSError` is in Python: a stable string `code` (`'ECONNREFUSED'`),
 * the numeric `errno`, and a message naming the operation and the addresses.
 *
 * @example
 * try { await sock.connect(['127.0.0.1', 1]); }
 * catch (err) { if (err instanceof SocketError && err.code === 'ECONNREFUSED') … }
 */
export class SocketError extends Error {
  /** The error code, e.g. `'ECONNRESET'`. */
  readonly code: string;
  /** The numeric error, e.g. 104 for `ECONNRESET` on Linux; 0 when it has none. */
  readonly errno: number;
  /** The failed call. */
  readonly op: string | undefined;
  /** The network. */
  readonly net: string | undefined;
  /** Our end. */
  readonly source: string | undefined;
  /** The other end. */
  readonly addr: string | undefined;

  /**
   * @param code the error code (`'ECONNREFUSED'`).
   * @param options context for the message, and the errno when `code` is not a system code.
   */
  constructor(code: string, options: SocketErrorOptions = {}) {
    const detail = options.detail ?? MESSAGES[code] ?? code.toLowerCase();
    super(formatMessage(code, detail, options), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.errno = options.errno ?? errnoByCode[code] ?? 0;
    this.op = options.op;
    this.net = options.net;
    this.source = options.source;
    this.addr = options.addr;
  }
}

function formatMessage(code: string, detail: string, ctx: SocketErrorContext): string {
  const parts: string[] = [];
  if (ctx.op) parts.push(ctx.op);
  if (ctx.net) parts.push(ctx.net);
  if (ctx.source && ctx.addr) parts.push(`${ctx.source}->${ctx.addr}`);
  else if (ctx.addr ?? ctx.source) parts.push((ctx.addr ?? ctx.source) as string);
  const head = parts.join(' ');
  const tail = detail === code.toLowerCase() ? detail : `${detail} (${code})`;
  return head ? `${head}: ${tail}` : tail;
}

/** The peer refused the connection (`ECONNREFUSED`), as Python's `ConnectionRefusedError`. */
export class ConnectionRefusedError extends SocketError {}
/** The peer reset the connection (`ECONNRESET`), as Python's `ConnectionResetError`. */
export class ConnectionResetError extends SocketError {}
/** Writing to a connection the peer has closed (`EPIPE`), as Python's `BrokenPipeError`. */
export class BrokenPipeError extends SocketError {}
/**
 * Not allowed (`EPERM`, `EACCES`), as Python's `PermissionError`: a raw socket without
 * `CAP_NET_RAW`, an ICMP datagram socket outside `net.ipv4.ping_group_range`, a port below 1024.
 */
export class PermissionError extends SocketError {}

/**
 * A call that could not complete at once on a non-blocking socket (`code: 'EAGAIN'`), as
 * Python's `BlockingIOError`.
 */
export class BlockingIOError extends SocketError {
  /**
   * @param context where it happened.
   * @param code `'EAGAIN'`, or `'EINPROGRESS'` for a non-blocking connect under way.
   */
  constructor(context: SocketErrorContext = {}, code: 'EAGAIN' | 'EINPROGRESS' = 'EAGAIN') {
    super(code, context);
  }
}

/**
 * A call that did not complete within the socket's timeout (`code: 'ETIMEDOUT'`), as Python's
 * `socket.timeout` (`TimeoutError`).
 */
export class SocketTimeoutError extends SocketError {
  /** @param context where it happened. */
  constructor(context: SocketErrorContext = {}) {
    super('ETIMEDOUT', { ...context, detail: 'timed out' });
  }
}

/**
 * A name or service lookup failed, as Python's `socket.gaierror`: `errno` is an `EAI_*` number
 * (negative, as glibc's) and `code` its name (`'EAI_NONAME'`).
 */
export class AddressInfoError extends SocketError {}

/** An address lookup failed, as Python's `socket.herror` (`gethostbyaddr`). */
export class HostError extends SocketError {}

const CLASS_BY_CODE: Readonly<
  Record<string, new (code: string, o: SocketErrorOptions) => SocketError>
> = {
  ECONNREFUSED: ConnectionRefusedError,
  ECONNRESET: ConnectionResetError,
  EPIPE: BrokenPipeError,
  EPERM: PermissionError,
  EACCES: PermissionError,
};

/**
 * The socket error for a system error number, of the class Python would raise for it
 * (`ConnectionRefusedError` for `ECONNREFUSED`, …).
 * @param errno the number, positive (111 for `ECONNREFUSED` on Linux).
 * @param context the call and addresses, for the message.
 * @returns the error.
 * @example errnoError(111, { op: 'recvfrom' }) instanceof ConnectionRefusedError; // true
 */
export function errnoError(errno: number, context: SocketErrorContext = {}): SocketError {
  const code = errnoCode(errno);
  const Class = CLASS_BY_CODE[code] ?? SocketError;
  return new Class(code, { ...context, errno });
}

/**
 * Turns an error from Node (`{ code: 'ECONNRESET', errno: -104 }`) into the matching
 * {@link SocketError} subclass with context. A `SocketError` passes through unchanged.
 *
 * @param err what Node threw or emitted.
 * @param context the operation and addresses, for the message.
 * @returns the socket error.
 * @example throw toSocketError(err, { op: 'connect', net: 'tcp', addr: '127.0.0.1:1' });
 */
export function toSocketError(err: unknown, context: SocketErrorContext = {}): SocketError {
  if (err instanceof SocketError) return err;
  const nodeErr = err as { code?: unknown; message?: unknown } | null;
  const code = typeof nodeErr?.code === 'string' ? nodeErr.code : 'EIO';
  if (code === 'ETIMEDOUT') return new SocketTimeoutError({ ...context, cause: err });
  if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return new BlockingIOError(context);
  const known = MESSAGES[code] !== undefined || errnoByCode[code] !== undefined;
  const detail = known ? undefined : String(nodeErr?.message ?? code);
  const Class = CLASS_BY_CODE[code] ?? SocketError;
  return new Class(code, { ...context, cause: err, ...(detail === undefined ? {} : { detail }) });
}
