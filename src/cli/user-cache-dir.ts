/**
 * polyport's folder in the user's cache folder: where `serve`'s one-liners keep their data and the
 * executable keeps Node's compile cache.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's cache folder for polyport: `$XDG_CACHE_HOME/polyport` (when it is absolute, as the
 * XDG spec asks), else `%LOCALAPPDATA%\polyport` on Windows, `~/Library/Caches/polyport` on macOS
 * and `~/.cache/polyport` elsewhere.
 * @param env the environment (`XDG_CACHE_HOME`, `LOCALAPPDATA`).
 * @param platform the operating system (default `process.platform`).
 * @param home the user's home folder (default `os.homedir`).
 * @returns the folder (it may not exist yet).
 * @example userCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }); // '/var/cache/ada/polyport'
 */
export function userCacheDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir,
): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg?.startsWith('/')) return join(xdg, 'polyport');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'polyport');
  if (platform === 'darwin') return join(home(), 'Library', 'Caches', 'polyport');
  return join(home(), '.cache', 'polyport');
}
