/** One Maildir folder (new/ cur/ tmp/) as https://cr.yp.to/proto/maildir.html describes it. */

import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MaildirDelivery } from './maildir-delivery.js';
import { MaildirLock } from './maildir-lock.js';
import { maildirUniqueName } from './unique-name.js';

/** Options for {@link Maildir}. */
export interface MaildirOptions {
  /** Host name in unique names. Default `os.hostname()`. */
  readonly hostname?: string;
  /** Process id in unique names and lock files. Default `process.pid`. */
  readonly pid?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** A message in the Maildir. */
export interface MaildirEntry {
  /** Stable unique id: the file's base name without the `:2,flags` info. */
  readonly id: string;
  /** Size in octets. */
  readonly size: number;
}

/** Options for {@link Maildir.deliver}. */
export interface DeliverOptions {
  /** Aborting removes the partial file and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Deliveries by this process, for unique names across every Maildir in it. */
let counter = 0;

/**
 * A Maildir: delivery that never exposes half a message, listing with stable ids (moving new/
 * to cur/ as POP3 servers do), reading, deleting, and the POP3 session lock.
 *
 * @example
 * const box = await Maildir.create('/tmp/mail/demo');
 * const id = await box.deliver(Buffer.from('Subject: hi\r\n\r\nhello\r\n'));
 * (await box.list()).map((m) => m.id); // [id]
 */
export class Maildir {
  /** The folder holding new/, cur/ and tmp/. */
  readonly root: string;
  readonly #hostname: string;
  readonly #pid: number;
  readonly #now: () => number;
  /** id → path relative to root, from the last listing. */
  #files = new Map<string, string>();

  /**
   * Uses an existing Maildir; see {@link Maildir.create} to make one.
   * @param root The folder holding new/, cur/ and tmp/.
   * @param options Host name, pid and clock for unique names.
   */
  constructor(root: string, options: MaildirOptions = {}) {
    this.root = root;
    this.#hostname = options.hostname ?? hostname();
    this.#pid = options.pid ?? process.pid;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Creates the folder and its new/, cur/ and tmp/ (mode 0700) if missing.
   * @param root The Maildir folder.
   * @param options As for the constructor.
   * @returns The Maildir.
   * @throws {Error} If the folders cannot be created.
   * @example
   * const box = await Maildir.create('/tmp/mail/demo');
   */
  static async create(root: string, options: MaildirOptions = {}): Promise<Maildir> {
    for (const sub of ['tmp', 'new', 'cur']) {
      await mkdir(join(root, sub), { recursive: true, mode: 0o700 });
    }
    return new Maildir(root, options);
  }

  /**
   * Starts an incremental delivery: a new file in tmp/.
   * @returns The delivery to `write()` to, then `commit()` or `abort()`.
   * @throws {Error} If the tmp file cannot be created.
   */
  async beginDelivery(): Promise<MaildirDelivery> {
    for (;;) {
      const name = maildirUniqueName({
        timeMs: Math.floor(this.#now()),
        pid: this.#pid,
        counter: ++counter,
        hostname: this.#hostname,
      });
      try {
        const handle = await open(join(this.root, 'tmp', name), 'wx', 0o600);
        return new MaildirDelivery(this.root, name, handle);
      } catch (err) {
        // Another process with our pid (a container) used the name: take the next counter.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  /**
   * Delivers a whole message from a buffer or a stream of chunks.
   * @param source The message bytes.
   * @param options An AbortSignal to cancel the delivery.
   * @returns The new message's id.
   * @throws {Error} If aborted (the signal's reason) or the file system fails; nothing is left.
   */
  async deliver(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: DeliverOptions = {},
  ): Promise<string> {
    const { signal } = options;
    signal?.throwIfAborted();
    const delivery = await this.beginDelivery();
    try {
      if (source instanceof Uint8Array) await delivery.write(source);
      else {
        for await (const chunk of source) {
          signal?.throwIfAborted();
          await delivery.write(chunk);
        }
      }
      signal?.throwIfAborted();
      return await delivery.commit();
    } catch (err) {
      await delivery.abort();
      throw err;
    }
  }

  /**
   * Lists the messages, oldest first. Messages in new/ are first moved to cur/ (with `:2,`),
   * as Dovecot does when a POP3 session opens the mailbox.
   * @returns Each message's id and size.
   * @throws {Error} If a folder cannot be read.
   */
  async list(): Promise<MaildirEntry[]> {
    for (const name of await visible(join(this.root, 'new'))) {
      await rename(join(this.root, 'new', name), join(this.root, 'cur', `${name}:2,`)).catch(
        (err: NodeJS.ErrnoException) => {
          // Another session moved or deleted it first.
          if (err.code !== 'ENOENT') throw err;
        },
      );
    }
    const files = new Map<string, string>();
    const entries: MaildirEntry[] = [];
    for (const name of await visible(join(this.root, 'cur'))) {
      const id = name.split(':')[0]!;
      try {
        const info = await stat(join(this.root, 'cur', name));
        files.set(id, join('cur', name));
        entries.push({ id, size: info.size });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    this.#files = files;
    return entries.sort((a, b) => compareIds(a.id, b.id));
  }

  /**
   * Opens a message for reading.
   * @param id An id from `list()`.
   * @returns A stream of the message's bytes.
   * @throws {RangeError} If the id could not name a file; {Error} with code ENOENT if no such
   *   message.
   */
  async open(id: string): Promise<Readable> {
    const handle = await open(join(this.root, await this.#path(id)), 'r');
    return handle.createReadStream();
  }

  /**
   * Deletes messages. Ids already gone are reported as missing, not as errors.
   * @param ids Ids from `list()`.
   * @returns The ids deleted and the ids that no longer existed.
   * @throws {AggregateError} If some files could not be removed (the others still are).
   */
  async delete(ids: Iterable<string>): Promise<{ deleted: string[]; missing: string[] }> {
    const deleted: string[] = [];
    const missing: string[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      try {
        await unlink(join(this.root, await this.#path(id)));
        this.#files.delete(id);
        deleted.push(id);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') missing.push(id);
        else errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some messages were not deleted');
    return { deleted, missing };
  }

  /**
   * Takes the exclusive POP3 lock on this Maildir.
   * @returns The lock, or `null` if another session (in any process) holds it.
   * @throws {Error} If the lock file cannot be created for another reason.
   */
  async lock(): Promise<MaildirLock | null> {
    return MaildirLock.acquire(this.root, this.#pid);
  }

  /** Finds a message's file: from the last listing, else by scanning cur/ and new/. */
  async #path(id: string): Promise<string> {
    if (id === '' || id === '.' || id === '..' || /[/\0:]/.test(id)) {
      throw new RangeError(`not a Maildir id: ${JSON.stringify(id)}`);
    }
    const known = this.#files.get(id);
    if (known !== undefined) return known;
    for (const sub of ['cur', 'new']) {
      const name = (await visible(join(this.root, sub))).find(
        (n) => n === id || n.startsWith(`${id}:`),
      );
      if (name !== undefined) return join(sub, name);
    }
    throw Object.assign(new Error(`no message ${id}`), { code: 'ENOENT' });
  }
}

/** Names in a folder, without dot files (the spec reserves them). */
async function visible(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => !name.startsWith('.'));
}

const NAME = /^(\d+)\.M(\d+)P\d+Q(\d+)\./;

/** Orders ids by delivery time (seconds, microseconds, counter), then by name. */
function compareIds(a: string, b: string): number {
  const ma = NAME.exec(a);
  const mb = NAME.exec(b);
  if (ma !== null && mb !== null) {
    for (const i of [1, 2, 3]) {
      const d = Number(ma[i]) - Number(mb[i]);
      if (d !== 0) return d;
    }
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
