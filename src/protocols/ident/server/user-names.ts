/** User names by uid, from `/etc/passwd`, as an ident server reports them. */
import { readFile } from 'node:fs/promises';

/**
 * The name of user `uid` in `/etc/passwd` text, or null.
 *
 * @example userNameIn('root:x:0:0:root:/root:/bin/sh\n', 0); // 'root'
 */
export function userNameIn(passwd: string, uid: number): string | null {
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 3 && Number(fields[2]) === uid && fields[0] !== '') return fields[0]!;
  }
  return null;
}

/**
 * The name of user `uid` on this host, or null when it has none (or no `/etc/passwd`).
 *
 * @example await userName(0); // 'root'
 */
export async function userName(uid: number): Promise<string | null> {
  try {
    return userNameIn(await readFile('/etc/passwd', 'latin1'), uid);
  } catch {
    return null;
  }
}
