/**
 * `staticFiles()`: the static-file handler — GET and HEAD of files under a root, index files,
 * directory listings, content types, validators with conditional requests, single byte ranges,
 * and no way out of the root.
 */
import { realpathSync, type Stats } from 'node:fs';
import { open, opendir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { evaluateIfRange, parseRange } from '../codec/byte-range.js';
import { evaluateConditionals, weakEtag } from '../codec/conditional.js';
import { formatHttpDate } from '../codec/http-date.js';
import type { HttpHeaders } from '../codec/http-headers.js';
import { PreparedFields } from '../codec/prepared-fields.js';
import { type DirectoryEntry, renderDirectoryListing } from './directory-listing.js';
import type { HttpHandler } from './http-handler.js';
import type { HttpRequest } from './http-request.js';
import type { HttpResponse } from './http-response.js';
import { LazyFileProducer } from './lazy-file-producer.js';
import { targetToSafePath } from './safe-path.js';
import { SmallFileCache } from './small-file-cache.js';
import { typeForFile } from './type-for-file.js';

/** Options for {@link staticFiles}. */
export interface StaticFilesOptions {
  /** The directory served. */
  readonly root: string;
  /** The URL path the root appears at (default `'/'`); it must start and end with `/`. */
  readonly prefix?: string;
  /** File names tried in a directory, in order (default `['index.html']`). */
  readonly index?: readonly string[];
  /** List directories that have no index file (default false: 403). */
  readonly listing?: boolean;
  /** Seconds for `Cache-Control: max-age` (default: no Cache-Control field). */
  readonly maxAge?: number;
  /** Bytes per read when streaming a file (default 64 KiB). */
  readonly chunkSize?: number;
  /** Most entries shown in a listing (default 10,000). */
  readonly maxListing?: number;
  /** Small files (up to 64 KiB) whose facts and bytes are kept, revalidated by `stat` (default 1024). */
  readonly cacheEntries?: number;
  /** Most bytes of small files kept (default 32 MiB; 0: no cache). */
  readonly cacheBytes?: number;
  /**
   * Milliseconds a cached file found unchanged by `stat` is served without another `stat`, as
   * nginx's `open_file_cache_valid` (default 0: every request stats, so an edit, removal or
   * re-link is seen by the very next request; more trades that for one syscall per request).
   */
  readonly cacheValidMs?: number;
}

/**
 * Files up to this size are read in one call (as a producer's first chunk would be), sent with
 * their head in one write, and kept in the small-file cache.
 */
const SMALL_FILE = 64 * 1024;
/**
 * Serves the files under `root`. Targets are decoded segment by segment and refused (400) when
 * they hold `..`, encoded slashes or backslashes, NUL or other control bytes; every path is
 * resolved with `realpath` and refused (403) when a symbolic link leads outside the root. Files
 * stream through a `FileProducer`, never read whole.
 *
 * @param options Root, prefix, index names, listing and caching.
 * @returns The handler; it takes every request under `prefix` (405 for methods other than GET
 *   and HEAD).
 * @throws {Error} When `root` does not exist (the `realpath` error).
 * @throws {TypeError} When `prefix` does not start and end with `/`.
 * @example
 * startHttpService({ address: ['127.0.0.1', 0],
 *   handlers: [staticFiles({ root: './site', index: ['index.html'], listing: true })] });
 */
export function staticFiles(options: StaticFilesOptions): HttpHandler {
  const root = realpathSync.native(options.root);
  const prefix = options.prefix ?? '/';
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
    throw new TypeError(`prefix must start and end with '/', got ${prefix}`);
  }
  const prefixSegments = prefix.split('/').filter((s) => s !== '');
  const index = options.index ?? ['index.html'];
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const cacheControl =
    options.maxAge === undefined ? null : `max-age=${Math.max(0, Math.floor(options.maxAge))}`;
  const inside = (path: string): boolean => path === root || path.startsWith(root + sep);

  const cache = new SmallFileCache({
    maxEntries: options.cacheEntries ?? 1024,
    maxBytes: options.cacheBytes ?? 32 * 1024 * 1024,
    validMs: options.cacheValidMs ?? 0,
  });

  return {
    match: (request) => request.path.startsWith(prefix) || `${request.path}/` === prefix,
    // Every file-system call here is asynchronous: a slow disk delays this request only, never
    // the event loop that serves every other connection.
    async handle(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.status = 405;
        response.setHeader('Allow', 'GET, HEAD');
        response.send('Method Not Allowed\n');
        return;
      }
      const hit = await cache.lookupAsync(request.path, statQuietly);
      if (hit !== undefined) {
        // A plain GET (no validators to check, no range) of a cached file gets the fields
        // answer() would set, made once: nothing here depends on the request but its method.
        if (hit.fields !== undefined && request.method === 'GET' && isPlain(request.headers)) {
          response.sendPrepared(hit.fields, hit.bytes);
        } else answer(request, response, hit, hit.bytes);
        return;
      }
      const safe = targetToSafePath(request.path);
      if (!safe.ok) return refuse(response, 400, 'Bad Request\n');
      const segments = safe.segments.slice(prefixSegments.length);
      const statPath = join(root, ...segments);
      const real = await resolve(statPath);
      if (real === null) return refuse(response, 404, 'Not Found\n');
      if (!inside(real)) return refuse(response, 403, 'Forbidden\n');
      const stats = await statQuietly(real);
      if (stats === undefined) return refuse(response, 404, 'Not Found\n');
      if (stats.isFile()) {
        await serveFile(request, response, statPath, real, stats);
        return;
      }
      if (stats.isDirectory()) {
        if (!safe.trailingSlash) {
          // '//docs' must not become '//docs/': a browser reads that as the host 'docs'
          // (an open redirect). Runs of slashes are merged, as nginx's merge_slashes.
          const path = request.path.replace(/\/{2,}/g, '/');
          const location = `${path}/${request.query === '' ? '' : `?${request.query}`}`;
          response.status = 301;
          response.setHeader('Location', location);
          response.send(`Moved to ${location}\n`);
          return;
        }
        for (const name of index) {
          const candidate = await resolve(join(real, name));
          if (candidate === null || !inside(candidate)) continue;
          const info = await statQuietly(candidate);
          if (info?.isFile() === true) {
            await serveFile(request, response, join(statPath, name), candidate, info);
            return;
          }
        }
        if (options.listing !== true) return refuse(response, 403, 'Forbidden\n');
        const urlPath = `/${safe.segments.join('/')}${safe.segments.length > 0 ? '/' : ''}`;
        const entries = await list(real, options.maxListing ?? 10_000, inside);
        const html = renderDirectoryListing(urlPath, entries);
        response.setHeader('Content-Type', 'text/html; charset=utf-8');
        response.send(Buffer.from(html, 'utf8'));
        return;
      }
      refuse(response, 403, 'Forbidden\n');
    },
  };

  /**
   * Answers for a file whose `stats` were just taken. A small file is read now (one descriptor,
   * open for the read only) and cached; a larger one is opened only when its body is about to
   * be sent (see {@link LazyFileProducer}), so queued responses hold no descriptors.
   */
  async function serveFile(
    request: HttpRequest,
    response: HttpResponse,
    statPath: string,
    realPath: string,
    stats: Stats,
  ): Promise<void> {
    let facts = factsOf(realPath, stats);
    let bytes: Buffer | null = null;
    if (stats.size <= SMALL_FILE && stats.size > 0) {
      const read = await readSmall(realPath);
      if (read === null) return refuse(response, 404, 'Not Found\n');
      // The facts of the file read (through its descriptor): the bytes match the validators.
      facts = factsOf(realPath, read.stats);
      if (read.bytes !== null) {
        bytes = read.bytes;
        cache.store(request.path, {
          ...facts,
          statPath,
          realPath,
          bytes,
          fields: plainFields(facts),
        });
      }
    } else if (stats.size === 0) {
      bytes = Buffer.alloc(0);
    }
    answer(request, response, facts, bytes);
  }

  /** The fields answer() sets for a 200 to a plain GET, in the same order. */
  function plainFields(facts: FileFacts): PreparedFields {
    return new PreparedFields([
      ['ETag', facts.etag],
      ['Last-Modified', facts.lastModifiedText],
      ...(cacheControl !== null ? [['Cache-Control', cacheControl] as const] : []),
      ['Content-Type', facts.type],
      ['Accept-Ranges', 'bytes'],
    ]);
  }

  /** Answers for a file from its facts, with its bytes when held, else from the file. */
  function answer(
    request: HttpRequest,
    response: HttpResponse,
    facts: FileFacts,
    bytes: Buffer | null,
  ): void {
    const { etag, lastModified } = facts;
    response.setHeader('ETag', etag);
    response.setHeader('Last-Modified', facts.lastModifiedText);
    if (cacheControl !== null) response.setHeader('Cache-Control', cacheControl);
    const decision = evaluateConditionals(request.method, request.headers, { etag, lastModified });
    if (decision === 'not-modified') {
      response.status = 304;
      response.send();
      return;
    }
    if (decision === 'precondition-failed') {
      refuse(response, 412, 'Precondition Failed\n');
      return;
    }
    response.setHeader('Content-Type', facts.type);
    response.setHeader('Accept-Ranges', 'bytes');
    const size = facts.size;
    let start = 0;
    let length = size;
    const rangeHeader = request.headers.get('range');
    if (
      rangeHeader !== undefined &&
      evaluateIfRange(request.headers.get('if-range'), etag, lastModified)
    ) {
      const range = parseRange(rangeHeader, size);
      if (range.type === 'unsatisfiable') {
        response.status = 416;
        response.setHeader('Content-Range', range.contentRange);
        response.setHeader('Content-Type', 'text/plain; charset=utf-8');
        response.send('Range Not Satisfiable\n');
        return;
      }
      if (range.type === 'partial') {
        response.status = 206;
        response.setHeader('Content-Range', range.contentRange);
        start = range.start;
        length = range.length;
      }
    }
    if (request.method === 'HEAD' || length === 0) {
      response.produce({ more: () => Buffer.alloc(0) }, length);
      return;
    }
    if (bytes !== null) {
      response.send(start === 0 && length === size ? bytes : bytes.subarray(start, start + length));
      return;
    }
    const { realPath, dev, ino } = facts;
    response.produce(
      new LazyFileProducer({ path: realPath, dev, ino, start, end: start + length, chunkSize }),
      length,
    );
  }
}

/** What a response needs to know about a file. */
interface FileFacts {
  readonly realPath: string;
  readonly dev: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly etag: string;
  readonly lastModified: Date;
  readonly lastModifiedText: string;
  readonly type: string;
  readonly size: number;
}

/**
 * Whether a request carries no conditional (`If-*`) and no `Range` field, so that a GET is
 * answered 200 with the whole file. One pass over the names; only names of the right length
 * and first letter are lower-cased.
 */
function isPlain(headers: HttpHeaders): boolean {
  for (let i = 0; i < headers.size; i++) {
    const name = headers.nameAt(i);
    const first = name.charCodeAt(0) | 0x20;
    if (first === 0x69 /* i */ && name.length > 3 && name.charCodeAt(2) === 0x2d) {
      if ((name.charCodeAt(1) | 0x20) === 0x66 /* f */) return false;
    } else if (first === 0x72 /* r */ && name.length === 5 && name.toLowerCase() === 'range') {
      return false;
    }
  }
  return true;
}

/** The facts of a file from its stats. */
function factsOf(realPath: string, stats: Stats): FileFacts {
  const lastModified = stats.mtime;
  return {
    realPath,
    dev: stats.dev,
    ino: stats.ino,
    mtimeMs: stats.mtimeMs,
    etag: weakEtag(stats.size, stats.mtimeMs),
    lastModified,
    lastModifiedText: formatHttpDate(lastModified),
    type: typeForFile(realPath),
    size: stats.size,
  };
}

/** A path's stats, or undefined when it cannot be stat'ed (gone, no permission). */
async function statQuietly(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

function refuse(response: HttpResponse, status: number, text: string): void {
  response.status = status;
  response.send(text);
}

/** The real path, or null when it does not exist (or cannot be resolved). */
async function resolve(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/**
 * A small file's bytes and the stats of the very file read (one descriptor for both), or null
 * when it cannot be opened; `bytes` is null when the file changed size under us.
 */
async function readSmall(path: string): Promise<{ stats: Stats; bytes: Buffer | null } | null> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile() || stats.size > SMALL_FILE) return { stats, bytes: null };
    const bytes = Buffer.allocUnsafe(stats.size);
    const { bytesRead } = await file.read(bytes, 0, stats.size, 0);
    return { stats, bytes: bytesRead === stats.size ? bytes : null };
  } finally {
    await file.close();
  }
}

/** Entries stat'ed at once while listing: enough to keep a disk busy, few for the thread pool. */
const LIST_PARALLEL = 16;

/**
 * The entries of a directory, links followed, read asynchronously (the event loop serves
 * other connections between entries). A link that leads outside the root is left out: its
 * target is refused with 403, and listing it would show the target's type, size and time.
 */
async function list(
  dir: string,
  max: number,
  inside: (real: string) => boolean,
): Promise<DirectoryEntry[]> {
  const names: Array<{ name: string; link: boolean }> = [];
  const handle = await opendir(dir, { bufferSize: 256 });
  try {
    for await (const entry of handle) {
      if (names.length >= max) break;
      names.push({ name: entry.name, link: entry.isSymbolicLink() });
    }
  } catch {
    // closed by the loop's break, or the directory went away: list what was read
  }
  const out: Array<DirectoryEntry | null> = new Array(names.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      const { name, link } = names[i]!;
      try {
        const path = join(dir, name);
        if (link && !inside(await realpath(path))) continue;
        const stats = await stat(path);
        out[i] = {
          name,
          isDirectory: stats.isDirectory(),
          size: stats.size,
          modified: stats.mtime,
        };
      } catch {
        // a dangling link or a file removed meanwhile: not listed
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_PARALLEL, names.length) }, worker));
  return out.filter((e): e is DirectoryEntry => e !== null);
}
