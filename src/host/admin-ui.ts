/**
 * The web UI on the admin listener: the static files of the package's `ui/` folder (plain ES
 * modules, CSS and HTML, no build step), its page at `/` and its assets under `/ui/`, each
 * answer marked so a browser neither keeps a stale copy nor lets the page reach beyond the
 * admin origin.
 */
import { join } from 'node:path';
import { type HttpHandler, staticFiles } from '../protocols/http/index.js';
import { PACKAGE_ROOT } from './package-root.js';

/** The folder of the UI's files (`ui/` in the package). */
export const UI_DIR = join(PACKAGE_ROOT, 'ui');

/**
 * The policy every UI answer carries. Scripts, styles, data and frames come from the admin
 * origin only; nothing may frame the UI or post a form anywhere. Inline styles are allowed for
 * one reason: a mail's HTML is shown in a `sandbox=""` iframe through `srcdoc`, which inherits
 * this policy, and mail is laid out with `style` attributes; the UI's own code never writes
 * markup from data (it sets text), and the sandbox runs no script and gives the mail an opaque
 * origin, so `img-src 'self' data:` still keeps remote images (tracking pixels) out.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sets the UI's fields on an answer, then lets `handler` answer it. */
function withUiHeaders(handler: HttpHandler, match: HttpHandler['match']): HttpHandler {
  return {
    match,
    handle(request, response) {
      // `no-cache`, not `no-store`: the browser keeps a copy but asks first (the static handler
      // answers 304 to its validators), so an upgraded package's UI is seen on the next load.
      response.setHeader('Cache-Control', 'no-cache');
      response.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.setHeader('Referrer-Policy', 'no-referrer');
      return handler.handle(request, response);
    },
  };
}

/**
 * The UI's handlers: its page at `/` and its files under `/ui/` (404 for a file it does not
 * have). Put them after the API's handlers: they take nothing else.
 * @param root the folder served (default: the package's `ui/`).
 * @returns the two handlers.
 * @example
 * handlers: [...probeHandlers(context), ...statusHandlers(context, '/status'), ...uiHandlers()]
 */
export function uiHandlers(root: string = UI_DIR): HttpHandler[] {
  const page = staticFiles({ root });
  const assets = staticFiles({ root, prefix: '/ui/' });
  return [
    withUiHeaders(page, (request) => request.path === '/'),
    withUiHeaders(assets, (request) => assets.match(request)),
  ];
}
