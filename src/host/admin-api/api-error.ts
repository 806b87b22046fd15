/**
 * `ApiError`: a request the admin API refuses, with the HTTP status that says why; the router
 * turns it into a JSON body `{ "error": "..." }`.
 */

/**
 * An answer other than success: 400 for a bad query value, 404 for an unknown path or id, 405
 * for a method a path does not take, 410 for a message whose file is gone.
 *
 * @example
 * throw new ApiError(404, `no message ${id}`);
 */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The HTTP status. */
  readonly status: number;
  /** Extra response fields (`Allow` for 405). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status the HTTP status (4xx).
   * @param message what the client sees in `error`.
   * @param headers response fields to send with it.
   */
  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
