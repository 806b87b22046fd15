/**
 * `requireConfiguredPath()`: a root, zone or quotes file named in the config must exist before
 * its service starts, and the refusal names the key, so a typo in `ftp.root` stops the start
 * instead of failing every login or transfer later.
 */
import { stat } from 'node:fs/promises';

/**
 * Checks that the config's `key` names an existing directory or file.
 * @param key the dotted config key, for the message (`ftp.root`, `dns.zones`).
 * @param path the configured path.
 * @param kind what it must be.
 * @throws {Error} `config: ftp.root = "/srv/ftp": no such directory` (or "not a directory",
 *   "not a file", or the reason it cannot be read); the host adds the service's name.
 * @example await requireConfiguredPath('ftp.root', ftp.root, 'directory');
 */
export async function requireConfiguredPath(
  key: string,
  path: string,
  kind: 'directory' | 'file',
): Promise<void> {
  const shown = `config: ${key} = ${JSON.stringify(path)}`;
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`${shown}: no such ${kind}`);
    throw new Error(`${shown}: cannot be read (${code ?? String(err)})`);
  }
  if (kind === 'directory' && !isDirectory) throw new Error(`${shown}: not a directory`);
  if (kind === 'file' && isDirectory) throw new Error(`${shown}: a directory, not a file`);
}
