/**
 * `typeForFile()`: the `Content-Type` a file is served with, from its name.
 */
import { extname } from 'node:path';
import { contentType } from 'mime-types';

const FALLBACK_TYPE = 'application/octet-stream';
/** Types found so far, by lower-cased extension: a server sees few distinct ones. */
const types = new Map<string, string>();

/**
 * The content type for a file name, from `mime-types` (with a charset for text), cached per
 * extension.
 *
 * @param name A file name or path.
 * @returns The Content-Type value; `application/octet-stream` when the extension is unknown.
 * @example typeForFile('index.html'); // 'text/html; charset=utf-8'
 */
export function typeForFile(name: string): string {
  const ext = extname(name).toLowerCase();
  let type = types.get(ext);
  if (type === undefined) {
    type = (ext === '' ? false : contentType(ext)) || FALLBACK_TYPE;
    types.set(ext, type);
  }
  return type;
}
