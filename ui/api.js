/**
 * The admin listener's JSON API as the UI reads it: every URL is relative to the page, so the
 * UI talks to the origin that served it and nothing else.
 */

/** A request the API answered with an error status (or not at all). */
export class ApiError extends Error {
  /**
   * @param {string} url the URL asked.
   * @param {number} status the HTTP status; 0 when no answer came.
   * @param {string} message what went wrong.
   */
  constructor(url, status, message) {
    super(message);
    this.name = 'ApiError';
    this.url = url;
    this.status = status;
  }
}

/**
 * GETs a URL and reads its answer.
 * @param {string} url a path on the admin origin, with its query.
 * @param {'json'|'text'} [as] how to read the body (default JSON).
 * @returns {Promise<any>} the body.
 * @throws {ApiError} for a status other than 2xx (with the API's `error` text when it sent one),
 *   or when the listener cannot be reached.
 * @example const { events } = await getJson('/api/v1/events?limit=100');
 */
export async function getJson(url, as = 'json') {
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: as === 'json' ? 'application/json' : '*/*' },
    });
  } catch (error) {
    throw new ApiError(url, 0, `the admin listener cannot be reached (${error.message})`);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (typeof body?.error === 'string') message = body.error;
    } catch {
      // not a JSON error body: the status says it
    }
    throw new ApiError(url, response.status, message);
  }
  return as === 'json' ? response.json() : response.text();
}

/**
 * A query string from the values that are set.
 * @param {Record<string, string|number|undefined>} params the parameters.
 * @returns {string} `?a=1&b=x`, or `''` when none is set.
 * @example query({ service: 'dns', q: '' }); // '?service=dns'
 */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
