/** One message being written into a Maildir: tmp/ first, new/ only when complete. */
import type { FileHandle } from 'node:fs/promises';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An incremental delivery from `Maildir.beginDelivery()`, for content that arrives in chunks
 * (SMTP `data` events). The file lives in tmp/ until `commit()` fsyncs it and renames it into
 * new/, so readers never see half a message; `abort()` removes it.
 *
 * @example
 * const delivery = await maildir.beginDelivery();
 * try {
 *   await delivery.write(Buffer.from('Subject: hi\r\n\r\nhello\r\n'));
 *   const id = await delivery.commit();
 * } catch (err) {
 *   await delivery.abort();
 *   throw err;
 * }
 */
export class MaildirDelivery {
  readonly #root: string;
  readonly #name: string;
  #handle: FileHandle | null;
  #size = 0;
  /** The base name in new/ once committed. */
  #id: string | null = null;
  #state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';

  /** @internal Made by `Maildir.beginDelivery()`. */
  constructor(root: string, name: string, handle: FileHandle) {
    this.#root = root;
    this.#name = name;
    this.#handle = handle;
  }

  /** Octets written so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Where the message's file is: in tmp/ while written, in new/ once committed (a POP3 session
   * may later move it on to cur/, or delete it).
   */
  get path(): string {
    return this.#id === null ? this.#tmpPath() : join(this.#root, 'new', this.#id);
  }

  /**
   * Appends bytes to the message.
   * @param chunk The next bytes.
   * @throws {Error} If the delivery was committed or aborted, or the write fails.
   */
  async write(chunk: Uint8Array): Promise<void> {
    const handle = this.#open();
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
    this.#size += chunk.length;
  }

  /**
   * Makes the message durable and visible: fsync, close, rename into new/, fsync new/.
   * @returns The message id (its base name, `unique,S=size`).
   * @throws {Error} If the delivery is not open or the file system fails; the tmp file is
   *   then removed.
   */
  async commit(): Promise<string> {
    const handle = this.#open();
    this.#state = 'committing';
    const id = `${this.#name},S=${this.#size}`;
    try {
      await handle.sync();
      await handle.close();
      this.#handle = null;
      await rename(this.#tmpPath(), join(this.#root, 'new', id));
    } catch (err) {
      this.#state = 'open';
      await this.abort();
      throw err;
    }
    this.#state = 'committed';
    this.#id = id;
    await syncDirectory(join(this.#root, 'new'));
    return id;
  }

  /** Discards the message and removes its tmp file. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
    await unlink(this.#tmpPath()).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  #open(): FileHandle {
    if (this.#state !== 'open' || this.#handle === null) {
      throw new Error(`delivery is ${this.#state === 'open' ? 'closed' : this.#state}`);
    }
    return this.#handle;
  }

  #tmpPath(): string {
    return join(this.#root, 'tmp', this.#name);
  }
}

/** Makes a rename durable: fsync the directory (best effort where directories cannot be). */
async function syncDirectory(path: string): Promise<void> {
  let dir: FileHandle | undefined;
  try {
    dir = await open(path, 'r');
    await dir.sync();
  } catch {
    // Some platforms and file systems refuse fsync on a directory; the rename still happened.
  } finally {
    await dir?.close().catch(() => undefined);
  }
}
