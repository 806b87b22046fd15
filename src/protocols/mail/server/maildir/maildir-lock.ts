/**
 * An exclusive lock on a Maildir for one POP3 session (RFC 1939 §8 asks for one): a Set
 * excludes sessions in this process, a lock file created with O_EXCL excludes other processes.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Roots locked by this process. */
const held = new Set<string>();

/**
 * The lock file's name inside the Maildir; it holds the owner's process id.
 * @example
 * join(maildir.root, LOCK_FILE_NAME); // '/var/mail/demo/polyport-pop3.lock'
 */
export const LOCK_FILE_NAME = 'polyport-pop3.lock';

/**
 * A held lock; `release()` gives it back.
 *
 * @example
 * const lock = await MaildirLock.acquire('/var/mail/demo');
 * if (lock === null) session.mailboxInUse();
 * else await lock.release();
 */
export class MaildirLock {
  readonly #root: string;
  #released = false;

  private constructor(root: string) {
    this.#root = root;
  }

  /**
   * Tries to lock a Maildir. A lock file left by a process that no longer exists is taken over.
   *
   * @param root The Maildir's folder.
   * @param pid The process id to record (default this process).
   * @returns The lock, or `null` if another session holds it.
   * @throws {Error} If the lock file cannot be created for another reason.
   * @example
   * const lock = await MaildirLock.acquire('/var/mail/demo');
   */
  static async acquire(root: string, pid: number = process.pid): Promise<MaildirLock | null> {
    const key = resolve(root);
    if (held.has(key)) return null;
    held.add(key);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const file = await open(join(key, LOCK_FILE_NAME), 'wx', 0o600);
          await file.writeFile(`${pid}\n`);
          await file.close();
          return new MaildirLock(key);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          if (attempt > 0 || !(await isStale(join(key, LOCK_FILE_NAME)))) {
            held.delete(key);
            return null;
          }
          await unlink(join(key, LOCK_FILE_NAME)).catch(() => undefined);
        }
      }
    } catch (err) {
      held.delete(key);
      throw err;
    }
    held.delete(key);
    return null;
  }

  /** Releases the lock. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await unlink(join(this.#root, LOCK_FILE_NAME)).catch(() => undefined);
    held.delete(this.#root);
  }
}

/**
 * A lock file is stale when the process it names is gone, or names this process (whose own
 * locks are all in `held`, so this one was left by a crash of an earlier run with the same pid).
 */
async function isStale(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return true;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
