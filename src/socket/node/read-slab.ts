/**
 * The read slab: where stream reads that go through Node's `onread` machinery land. For accepted
 * connections libuv reads into one shared scratch buffer and each read is copied out, back to
 * back, into a shared 1 MiB slab; a client stream reads into a region of the slab itself. One
 * allocation per slab instead of Node's 64 KiB one (zero-filled, then shrunk) per read.
 * The bytes handed out stay the receiver's: a slab region is rewritten only after its receiver
 * released it ({@link releaseSlabBytes}). Used by the `slab_reads` accelerator (accepted
 * connections, see slab-reads.ts) and by connected client streams (their public `onread`
 * option, see stream-engine.ts).
 */

/** Bytes a slab holds; reads are copied into it back to back. */
const SLAB_SIZE = 1024 * 1024;
/** The most one read of an accepted connection takes (Node's own read size). */
const READ_SIZE = 64 * 1024;

/**
 * The most one read of a connected client stream takes. A client moves a few large transfers
 * rather than many small exchanges, and a download costs a trip through the event loop, the
 * receive path and the sink per read: four times Node's read size cut the client's CPU for a
 * 200 MB download by a tenth (numbers in the client-tools benchmark).
 */
export const CLIENT_READ_SIZE = 256 * 1024;

/** The scratch buffer libuv reads accepted connections into, shared by all (made on first use). */
let scratch: Buffer | null = null;
let slab: Buffer = Buffer.alloc(0);
let slabUsed = 0;
/**
 * Bytes of each slab handed out and not yet released (see {@link releaseSlabBytes}). A slab
 * whose every byte was released, once full, is reused rather than left to the GC: fresh memory
 * costs a page fault per 4 KiB on first write, and whether the allocator hands back warm memory
 * depends on what else the process did (after one large scrypt hash it stopped doing so, and an
 * FTP upload took twice the page faults and half the speed).
 */
const unreleased = new WeakMap<ArrayBufferLike, number>();
/** Full slabs wholly released, ready for reuse. */
const spareSlabs: Buffer[] = [];
/** Spare slabs kept at most. */
const MAX_SPARE_SLABS = 2;

/**
 * The buffer every slab-read accepted connection reads into. Reads run one at a time on this
 * thread and each is copied out ({@link copyToSlab}) before the next, so one buffer serves
 * every stream.
 */
export function readScratch(): Buffer {
  scratch ??= Buffer.allocUnsafeSlow(READ_SIZE);
  return scratch;
}

/**
 * Copies the first `n` bytes of `from` (a read into {@link readScratch}) into the current slab
 * and returns a view of them, the receiver's until it releases them. A region is handed out
 * once and rewritten only after its receiver released it: a full slab is reused when all of it
 * was released, and otherwise left to the views into it (the GC frees it with the last one). A
 * slab is never wrapped around.
 * @param from the buffer read into.
 * @param n bytes read (at most {@link CLIENT_READ_SIZE}).
 * @example callback(nread, buf) { onChunk(copyToSlab(buf, nread)); return true; }
 */
export function copyToSlab(from: Buffer, n: number): Buffer {
  if (slab.length - slabUsed < n) nextSlab();
  const start = slabUsed;
  from.copy(slab, start, 0, n);
  // Keep the next region 8-byte aligned so views can back typed arrays of any width.
  slabUsed = (start + n + 7) & ~7;
  unreleased.set(slab.buffer, unreleased.get(slab.buffer)! + n);
  return slab.subarray(start, start + n);
}

/** Moves on to a spare or fresh slab, retiring the current one. */
function nextSlab(): void {
  retire(slab);
  slab = spareSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_SIZE);
  slabUsed = 0;
  unreleased.set(slab.buffer, 0);
}

/**
 * A region of the current slab for a client stream's next read to land in, in place, with no
 * copy (the stream's `onread.buffer` generator: Node asks it for the next buffer after each
 * read). All `size` bytes are reserved, so that other streams' reads land elsewhere while this
 * one waits for data; {@link takeReadRegion} then hands out what was read and gives back the
 * rest. A reservation never read into (the stream ended) keeps its slab from reuse: the GC
 * frees that slab instead.
 * @param size the most the read takes ({@link CLIENT_READ_SIZE}: a multiple of 8, under a slab).
 * @example const region = reserveReadRegion(CLIENT_READ_SIZE);
 */
export function reserveReadRegion(size: number): Buffer {
  if (slab.length - slabUsed < size) nextSlab();
  const start = slabUsed;
  slabUsed = start + size;
  unreleased.set(slab.buffer, unreleased.get(slab.buffer)! + size);
  return slab.subarray(start, start + size);
}

/**
 * The first `n` bytes of a region {@link reserveReadRegion} gave, as a read's bytes: the
 * receiver's until it releases them, as {@link copyToSlab}'s. The rest of the region is given
 * back; when it is still the slab's last region, the next one starts right after these bytes.
 * @param region the buffer the read landed in.
 * @param n bytes read.
 * @example callback(nread, buf) { onChunk(takeReadRegion(buf, nread)); return true; }
 */
export function takeReadRegion(region: Buffer, n: number): Buffer {
  const start = region.byteOffset - slab.byteOffset;
  if (region.buffer === slab.buffer && start + region.length === slabUsed) {
    // Kept 8-byte aligned, as copyToSlab() keeps it.
    slabUsed = (start + n + 7) & ~7;
  }
  if (n < region.length) releaseSlabBytes(region.buffer, region.length - n);
  return region.subarray(0, n);
}

/** A full slab: kept for reuse when nothing of it is held any more. */
function retire(full: Buffer): void {
  if (unreleased.get(full.buffer) !== 0) return;
  unreleased.delete(full.buffer);
  if (spareSlabs.length < MAX_SPARE_SLABS) spareSlabs.push(full);
}

/**
 * Releases `bytes` bytes of a chunk {@link copyToSlab} handed out: its receiver copied them out
 * and holds no view of them any more (a socket's receive buffer calls this when a read copies a
 * chunk into the caller's buffer). Memory that is not a slab is ignored, so every received
 * chunk may be passed. Releasing bytes still held would let a later read overwrite them.
 * @param backing the chunk's `buffer`.
 * @param bytes how many of its bytes.
 * @example releaseSlabBytes(chunk.buffer, chunk.length);
 */
export function releaseSlabBytes(backing: ArrayBufferLike, bytes: number): void {
  const left = unreleased.get(backing);
  if (left === undefined) return;
  unreleased.set(backing, left - bytes);
  if (left - bytes === 0 && backing !== slab.buffer) {
    // A full slab whose last byte was just released.
    const full = Buffer.from(backing as ArrayBuffer, 0, SLAB_SIZE);
    retire(full);
  }
}

/**
 * Gives back a chunk `recv()` returned that the program is done with: nothing holds a view of
 * it any more and nothing will read it again, so the memory it sits in may take later reads.
 * Optional: a chunk never given back is simply left to the GC, at the cost of fresh memory
 * (a page fault per 4 KiB) for later reads instead of the same warm slab again. Give a chunk
 * back at most once, and only one you own outright: bytes given back while still held can be
 * overwritten. Anything not read into a slab (TLS, peeked or joined bytes) is ignored.
 * @param chunk the bytes, as `recv()` returned them or any part of them.
 * @example const chunk = await sock.recv(65536); fs.writeSync(fd, chunk); releaseReceived(chunk);
 */
export function releaseReceived(chunk: Uint8Array): void {
  if (chunk.byteLength > 0) releaseSlabBytes(chunk.buffer, chunk.byteLength);
}
