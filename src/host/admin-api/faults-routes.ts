/**
 * `/api/v1/faults`: the host's fault rules over HTTP — added (checked as the config and
 * `host.faults.add()` check them), listed with what each did so far, and removed.
 */
import { type HttpResponse, RequestBodyError } from '../../protocols/http/index.js';
import { FaultRuleError } from '../faults/fault-rule.js';
import type { StartContext } from '../starters/start-context.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-router.js';
import { sendJson } from './json-reply.js';

/**
 * The fault routes: `GET /api/v1/faults` (`{ faults }`, each rule with its `id`, `matched`,
 * `fired` and `seed`), `POST /api/v1/faults` (one rule as JSON: 201 and the rule as held, or
 * 400 with the rule's one-line error), `DELETE /api/v1/faults/{id}` (204, or 404) and
 * `DELETE /api/v1/faults` (every rule, 204).
 *
 * @param context the start context (its `faults`, read at each request; the admin limits bound
 *   the body).
 * @returns the routes.
 * @example apiRouter([...eventRoutes(context), ...faultRoutes(context)]);
 */
export function faultRoutes(context: StartContext): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/faults',
      async handle(_request, response) {
        // A fleet's listing asks every worker for its counts.
        sendJson(response, { faults: await context.faults.list() });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/faults',
      async handle(request, response) {
        const limit = context.config.admin.limits.maxRequestSize;
        let text: string;
        try {
          text = await request.body.text(limit);
        } catch (err) {
          if (err instanceof RequestBodyError && err.status === 413) {
            throw new ApiError(413, `a rule is at most ${limit} bytes of JSON`);
          }
          throw err;
        }
        let rule: unknown;
        try {
          rule = JSON.parse(text);
        } catch (err) {
          throw new ApiError(400, `the body is not JSON: ${(err as Error).message}`);
        }
        try {
          sendJson(response, context.faults.add(rule), 201);
        } catch (err) {
          if (err instanceof FaultRuleError) throw new ApiError(400, err.message);
          throw err;
        }
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/faults',
      handle(_request, response) {
        context.faults.clear();
        noContent(response);
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/faults/{id}',
      handle(_request, response, params) {
        const id = params.id ?? '';
        if (!context.faults.remove(id)) throw new ApiError(404, `no fault rule ${id}`);
        noContent(response);
      },
    },
  ];
}

/** 204: done, nothing to say (never cached, as every answer of the API). */
function noContent(response: HttpResponse): void {
  response.status = 204;
  response.setHeader('Cache-Control', 'no-store');
  response.send();
}
