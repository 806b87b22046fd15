/**
 * `FileBody`: a request body read from a file, sent with its length as `curl -T` or
 * `--data-binary @FILE` send one.
 */

import { statSync } from 'node:fs';

/**
 * A file to send as the request body. Its size, read when the body is made, is the
 * `Content-Length`; the bytes are read as they are sent, in large chunks that go to the socket
 * uncopied (see `sendFile()`), and read again if a redirect asks for the request once more.
 *
 * @example
 * const response = await request({ url: 'http://127.0.0.1:8080/up/big.iso', method: 'PUT', body: new FileBody('big.iso') });
 */
export class FileBody {
  /** The file. */
  readonly path: string;
  /** Its size in bytes when the body was made. */
  readonly size: number;

  /**
   * @param path The file.
   * @throws {Error} The file system's error (`ENOENT`, `EACCES`), or `EISDIR` for a directory.
   */
  constructor(path: string) {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: a directory is not a body: ${path}`), {
        code: 'EISDIR',
      });
    }
    this.path = path;
    this.size = stats.size;
  }
}
