/** Users' Maildirs under one data directory. */
import { join, resolve } from 'node:path';
import { Maildir, type MaildirOptions } from './maildir.js';

/**
 * Maps user names to Maildirs at `<dataDir>/<user>/`, creating them on first use. User names
 * are checked so none can reach outside the data directory.
 *
 * @example
 * const store = new MaildirStore('/tmp/polyport-mail');
 * const box = await store.maildir('demo@example.test');
 */
export class MaildirStore {
  /** The directory holding one Maildir per user. */
  readonly dataDir: string;
  readonly #options: MaildirOptions;
  readonly #boxes = new Map<string, Promise<Maildir>>();

  /**
   * @param dataDir Where the users' Maildirs live.
   * @param options Passed to each Maildir (host name, pid, clock).
   */
  constructor(dataDir: string, options: MaildirOptions = {}) {
    this.dataDir = resolve(dataDir);
    this.#options = options;
  }

  /**
   * The user's Maildir, created if missing. Names are case-folded so `Demo` and `demo` share one.
   * @param user A user name or address such as `demo@example.test`.
   * @returns The Maildir.
   * @throws {RangeError} If the name is empty, longer than 255 characters, starts with a dot,
   *   or holds `/`, `\`, NUL or a control character.
   * @example
   * await store.maildir('demo@example.test');
   */
  maildir(user: string): Promise<Maildir> {
    const name = user.toLowerCase();
    if (
      name === '' ||
      name.length > 255 ||
      name.startsWith('.') ||
      /[/\\\x00-\x1f\x7f]/.test(name)
    ) {
      return Promise.reject(new RangeError(`not a usable user name: ${JSON.stringify(user)}`));
    }
    let box = this.#boxes.get(name);
    if (box === undefined) {
      box = Maildir.create(join(this.dataDir, name), this.#options);
      box.catch(() => this.#boxes.delete(name));
      this.#boxes.set(name, box);
    }
    return box;
  }

  /**
   * Delivers the messages to a user whose Maildir is empty (for demo content).
   * @param user The user name.
   * @param messages Whole messages, CRLF line endings.
   * @returns The ids delivered (none if the Maildir already held mail).
   * @throws {RangeError} As {@link MaildirStore.maildir}; {Error} if delivery fails.
   * @example
   * await store.seedIfEmpty(DEMO_ADDRESS, DEMO_MESSAGES);
   */
  async seedIfEmpty(user: string, messages: readonly string[]): Promise<string[]> {
    const box = await this.maildir(user);
    if ((await box.list()).length > 0) return [];
    const ids: string[] = [];
    for (const message of messages) ids.push(await box.deliver(Buffer.from(message, 'utf8')));
    return ids;
  }
}
