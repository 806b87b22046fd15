/**
 * `uploadFiles()`: PUT uploads into a writable root. Each upload is written to a temporary file
 * beside its target and renamed into place only once the whole body has arrived, so a reader
 * never sees half a file and a broken upload leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { HttpHandler } from './http-handler.js';
import type { HttpResponse } from './http-response.js';
import { RequestBodyError } from './request-body.js';
import { targetToSafePath } from './safe-path.js';

/** Options for {@link uploadFiles}. */
export interface UploadFilesOptions {
  /** The writable directory. */
  readonly root: string;
  /** The URL path it appears at (default `'/'`); it must start and end with `/`. */
  readonly prefix?: string;
  /** The largest upload accepted, in bytes (default 100 MiB); larger gets 413. */
  readonly maxSize?: number;
}

/**
 * Accepts `PUT` under `prefix` and stores the body at the matching path below `root`: 201 for a
 * new file, 204 for a replaced one, 409 when the parent directory is missing or the target is a
 * directory, 412 for `If-None-Match: *` on an existing file. Targets are confined to the root as
 * in `staticFiles()`.
 *
 * @param options Root, prefix and size limit.
 * @returns The handler (it takes only PUT requests under the prefix).
 * @throws {Error} When `root` does not exist.
 * @throws {TypeError} When `prefix` does not start and end with `/`.
 * @example
 * handlers: [uploadFiles({ root: '/srv/incoming', prefix: '/upload/' }), staticFiles({ root })]
 */
export function uploadFiles(options: UploadFilesOptions): HttpHandler {
  const root = realpathSync(options.root);
  const prefix = options.prefix ?? '/';
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
    throw new TypeError(`prefix must start and end with '/', got ${prefix}`);
  }
  const skip = prefix.split('/').filter((s) => s !== '').length;
  const maxSize = options.maxSize ?? 100 * 1024 * 1024;
  const inside = (path: string): boolean => path === root || path.startsWith(root + sep);

  return {
    match: (request) => request.method === 'PUT' && request.path.startsWith(prefix),
    async handle(request, response) {
      const safe = targetToSafePath(request.path);
      if (!safe.ok) return answer(response, 400, 'Bad Request\n');
      const segments = safe.segments.slice(skip);
      const name = segments[segments.length - 1];
      if (name === undefined || safe.trailingSlash) return answer(response, 409, 'Not a file\n');
      const length = request.headers.get('content-length');
      if (length !== undefined && Number(length) > maxSize) {
        return answer(response, 413, 'Upload too large\n');
      }
      let parent: string;
      try {
        parent = await realpath(join(root, ...segments.slice(0, -1)));
      } catch {
        return answer(response, 409, 'Parent directory missing\n');
      }
      if (!inside(parent)) return answer(response, 403, 'Forbidden\n');
      const target = join(parent, name);
      const existing = await stat(target).catch(() => null);
      if (existing?.isDirectory()) return answer(response, 409, 'Target is a directory\n');
      if (existing !== null && request.headers.get('if-none-match')?.trim() === '*') {
        return answer(response, 412, 'Precondition Failed\n');
      }
      const temp = join(parent, `.${name}.upload-${randomBytes(6).toString('hex')}`);
      const file = await open(temp, 'wx', 0o644);
      let written = 0;
      try {
        for await (const chunk of request.body) {
          written += chunk.length;
          if (written > maxSize) throw new RequestBodyError(413, 'Upload too large');
          await file.write(chunk);
        }
        await file.close();
        await rename(temp, target);
      } catch (err) {
        await file.close().catch(() => {});
        await unlink(temp).catch(() => {});
        if (err instanceof RequestBodyError && err.status !== 0) {
          return answer(response, err.status, `${err.message}\n`);
        }
        throw err;
      }
      response.status = existing === null ? 201 : 204;
      if (existing === null) response.setHeader('Location', request.path);
      response.send(existing === null ? 'Created\n' : undefined);
    },
  };
}

function answer(response: HttpResponse, status: number, text: string): void {
  if (response.headersSent) return;
  // The rest of a refused upload is not worth reading: close after the answer.
  if (status === 413) response.closeConnection();
  response.status = status;
  response.send(text);
}
