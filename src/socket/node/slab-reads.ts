/**
 * The `slab_reads` accelerator: accepted plain TCP connections read through Node's `onread`
 * machinery into one shared scratch buffer instead of 'data' events, each read copied into the
 * shared read slab (read-slab.ts).
 *
 * Why: on Node's default path every read allocates its own 64 KiB backing store and ArrayBuffer
 * (and shrinks it when the read was short). Here every connection reads into one scratch buffer
 * and each read is copied out, back to back, into a shared 1 MiB slab: one allocation per slab
 * instead of one per read. What that gains on each Node major is measured by `npm run bench`
 * (accelerators on and off, side by side). The bytes handed out stay the caller's: a slab
 * region is rewritten only after its receiver released it (`releaseSlabBytes()`), so the
 * external-memory byte rate V8 sees is at most that of the default path.
 *
 * Node offers `onread` publicly only to sockets it creates for `net.connect()`; an accepted
 * socket is switched over through the fields `net.Socket` keeps for that option (the
 * `kBuffer`/`kBufferCb`/`kBufferGen` symbols) and the handle's `useUserBuffer()`. Those are
 * internals, so this runs under an {@link Accelerator}: on tested majors only, after a
 * self-test, and an exception while switching a socket over turns it off and leaves that socket
 * on the 'data' path. `POLYPORT_PUBLIC_READS=1` keeps the public path.
 */
import type { Socket as NetSocket } from 'node:net';
import { loadBuiltin } from '../load-builtin.js';
import { Accelerator } from './accelerator.js';
import { handleOf } from './handles.js';
import { randomPayload } from './random-payload.js';
import { copyToSlab, readScratch } from './read-slab.js';

interface ReadHandle {
  reading?: unknown;
  useUserBuffer?: unknown;
}

/** What gets each chunk read: called on the stream it was read from. */
export type OnChunk = (this: NetSocket, chunk: Buffer) => void;

/** The `onread` callback that feeds an {@link OnChunk}, one per `OnChunk` (not per stream). */
const readCallbacks = new WeakMap<OnChunk, (nread: number, buf: Buffer) => boolean>();

/**
 * The `onread` callback of every stream fed to `onChunk`. net.Socket calls it as a method of the
 * stream (`stream[kBufferCb](nread, buf)`), so one function serves every stream: a closure per
 * connection would cost an idle server its size thousands of times.
 */
function readCallbackOf(onChunk: OnChunk): (nread: number, buf: Buffer) => boolean {
  let callback = readCallbacks.get(onChunk);
  if (callback === undefined) {
    // Each read lands in the scratch buffer and is copied out before the callback returns, so
    // one buffer serves every connection (reads run one at a time on this thread). Returning
    // true keeps reading; backpressure goes through stream.pause(), which net.Socket turns into
    // readStop() in this mode. Once the accelerator is off, reads are copied out one by one.
    callback = function (this: NetSocket, nread: number, buf: Buffer): boolean {
      onChunk.call(
        this,
        slabReads.failed ? Buffer.from(buf.subarray(0, nread)) : copyToSlab(buf, nread),
      );
      return true;
    };
    readCallbacks.set(onChunk, callback);
  }
  return callback;
}

function symbolNamed(stream: NetSocket, name: string): symbol | null {
  for (const sym of Object.getOwnPropertySymbols(stream)) {
    if (sym.description === name) return sym;
  }
  return null;
}

/**
 * The fields last found: symbols of Node's net module, the same on every stream, so each
 * accepted connection only checks that its stream has them instead of listing its symbols.
 */
let knownFields: readonly [symbol, symbol, symbol] | null = null;

/** The `net.Socket` fields behind its `onread` option, or null when this Node lacks them. */
function onreadFields(stream: NetSocket): readonly [symbol, symbol, symbol] | null {
  const known = knownFields;
  if (
    known !== null &&
    Object.hasOwn(stream, known[0]) &&
    Object.hasOwn(stream, known[1]) &&
    Object.hasOwn(stream, known[2])
  )
    return known;
  const kBuffer = symbolNamed(stream, 'kBuffer');
  const kBufferCb = symbolNamed(stream, 'kBufferCb');
  const kBufferGen = symbolNamed(stream, 'kBufferGen');
  if (kBuffer === null || kBufferCb === null || kBufferGen === null) return null;
  knownFields = [kBuffer, kBufferCb, kBufferGen];
  return knownFields;
}

/** Why this Node cannot do slab reads at all, or null. */
function missing(): string | null {
  return onreadFields(new (loadBuiltin('node:net').Socket)()) === null
    ? 'net.Socket has no onread fields here'
    : null;
}

/**
 * Switches the stream over, without asking the accelerator (the self-test uses it first).
 * @returns false, with nothing changed, when the stream cannot be switched (already reading,
 *   no handle).
 * @throws whatever Node's internals throw; fields set so far are put back first.
 */
function switchOver(stream: NetSocket, onChunk: OnChunk): boolean {
  const handle = handleOf(stream) as ReadHandle | undefined;
  if (handle === undefined || handle.reading === true) return false;
  if (typeof handle.useUserBuffer !== 'function') throw new Error('handle has no useUserBuffer()');
  const symbols = onreadFields(stream);
  if (symbols === null) throw new Error('net.Socket has no onread fields');
  const [kBuffer, kBufferCb, kBufferGen] = symbols;
  const fields = stream as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null) return false;
  const buffer = readScratch();
  fields[kBufferCb] = readCallbackOf(onChunk);
  fields[kBufferGen] = null;
  fields[kBuffer] = buffer;
  try {
    (handle.useUserBuffer as (this: ReadHandle, buf: Uint8Array) => void).call(handle, buffer);
  } catch (err) {
    fields[kBuffer] = null;
    fields[kBufferCb] = null;
    throw err;
  }
  return true;
}

/**
 * The self-test: 300 KiB of random bytes from a client through a switched-over accepted
 * connection (several reads, more than one slab region), compared byte for byte.
 */
function selfTest(): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = randomPayload(300 * 1024);
    const chunks: Buffer[] = [];
    let client: NetSocket | null = null;
    const net = loadBuiltin('node:net');
    const server = net.createServer({ pauseOnConnect: true });
    const done = (err?: Error): void => {
      client?.destroy();
      server.close();
      if (err === undefined) resolve();
      else reject(err);
    };
    server.unref();
    server.on('error', done);
    server.once('connection', (conn: NetSocket) => {
      conn.on('error', done);
      conn.on('data', () => done(new Error("bytes arrived as 'data' events")));
      conn.on('end', () => {
        conn.destroy();
        const got = Buffer.concat(chunks);
        done(got.equals(payload) ? undefined : new Error(`bytes differ (${got.length} received)`));
      });
      try {
        // A function of its own, reading `this`: the self-test fails unless net.Socket calls
        // the callback as a method of the stream, as readCallbackOf() needs.
        const onChunk: OnChunk = function (this: NetSocket, chunk) {
          if (this !== conn) throw new Error('read callback not called on its stream');
          chunks.push(chunk);
        };
        if (!switchOver(conn, onChunk)) throw new Error('not switched');
        conn.resume();
      } catch (err) {
        conn.destroy();
        done(err as Error);
      }
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return done(new Error('no port'));
      client = net.connect(address.port, '127.0.0.1', () => client?.end(payload));
      client.unref();
      client.on('error', done);
    });
  });
}

/** The `slab_reads` accelerator (see the module comment). */
export const slabReads = new Accelerator({
  name: 'slab_reads',
  publicSwitch: 'POLYPORT_PUBLIC_READS',
  // Echo streaming, on/off side by side on a quiet machine: 1.48 on Node 20, 1.27 on 22, but
  // 0.56 on 24 and 0.92 on 26 (ping-pong ~1.0 everywhere): newer Nodes read well on their own.
  majors: [20, 22],
  missing,
  selfTest,
});

/**
 * Switches a connected, not yet reading TCP stream to slab reads, when the accelerator is
 * usable: from now on `onChunk` gets every received chunk, called on `stream` (a view the receiver owns: its bytes
 * are rewritten only after `releaseSlabBytes()`, read-slab.ts) and 'data' is not emitted. EOF, errors, 'end' and 'close' arrive as
 * before, and `pause()`/`resume()` still stop and restart reading (net.Socket handles that for
 * its `onread` mode). An exception from Node's internals turns the accelerator off and leaves
 * the stream as it was.
 * @param stream an accepted plain TCP `net.Socket` (not TLS, not AF_UNIX), not yet reading.
 * @param onChunk called with each chunk received.
 * @returns false, with nothing changed, when the caller must use 'data' events.
 * @example
 * if (!attachSlabReads(conn, (chunk) => queue.push(chunk))) conn.on('data', onData);
 */
export function attachSlabReads(stream: NetSocket, onChunk: OnChunk): boolean {
  if (!slabReads.usable()) return false;
  try {
    return switchOver(stream, onChunk);
  } catch (err) {
    slabReads.fail(err, 'attach');
    return false;
  }
}
