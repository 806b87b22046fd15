/**
 * `/api/v1/messages`: the mails the SMTP service accepted (its captured `message` events), and
 * each one read back from its Maildir — parsed, or as the exact stored bytes.
 */
import type { CapturedEvent, EventFilter } from '../capture/captured-event.js';
import { readStoredMessage } from '../capture/stored-message.js';
import type { StartContext } from '../starters/start-context.js';
import { ApiError } from './api-error.js';
import type { ApiRoute, PathParams } from './api-router.js';
import { sendJson, sendNow } from './json-reply.js';
import { messageDetail, messageSummary } from './message-view.js';
import { QueryParams, refuseQuery } from './query-params.js';

/** The capture events that are accepted mails. */
const MESSAGES: EventFilter = { service: 'smtp', kind: 'message' };

/**
 * The message routes: the list (filters `to`, `from`, `subject`, `limit`), one message parsed,
 * its raw bytes, and forgetting one or all. Forgetting removes the capture event only: the
 * mail stays in its Maildir, for POP3.
 *
 * @param context the start context (its `capture`).
 * @returns the routes.
 * @example apiRouter([...eventRoutes(context), ...messageRoutes(context)]);
 */
export function messageRoutes(context: StartContext): ApiRoute[] {
  const capture = context.capture;
  /** The stored bytes of a message event; 410 once no copy is left. */
  const stored = async (event: CapturedEvent): Promise<Buffer> => {
    const bytes = await readStoredMessage(event);
    if (bytes === null) {
      throw new ApiError(410, `message ${event.id} is no longer stored (deleted from the mailbox)`);
    }
    return bytes;
  };
  /** The message event `{id}` names. */
  const find = (params: PathParams) => {
    const text = params.id ?? '';
    const id = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    const event = Number.isNaN(id) ? undefined : capture.list({ ...MESSAGES, id }, 1)[0];
    if (event === undefined) throw new ApiError(404, `no message ${JSON.stringify(text)}`);
    return event;
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/messages',
      handle(request, response) {
        const query = new QueryParams(request.query, ['to', 'from', 'subject', 'limit']);
        const to = query.text('to')?.toLowerCase();
        const from = query.text('from')?.toLowerCase();
        const subject = query.text('subject')?.toLowerCase();
        const limit = query.limit();
        const has = (value: string, needle: string | undefined) =>
          needle === undefined || value.toLowerCase().includes(needle);
        const messages = [];
        for (const event of capture.list(MESSAGES)) {
          const message = messageSummary(event);
          if (!(has(message.from, from) && has(message.subject, subject))) continue;
          if (to !== undefined && !message.to.some((address) => has(address, to))) continue;
          messages.push(message);
          if (messages.length === limit) break;
        }
        sendJson(response, { messages });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/messages',
      handle(request, response) {
        refuseQuery(request.query);
        sendJson(response, { deleted: capture.clear(MESSAGES) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/messages/{id}',
      async handle(request, response, params) {
        refuseQuery(request.query);
        const event = find(params);
        sendJson(response, await messageDetail(event, await stored(event)));
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/messages/{id}',
      handle(request, response, params) {
        refuseQuery(request.query);
        const event = find(params);
        sendJson(response, { deleted: capture.clear({ ...MESSAGES, id: event.id }) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/messages/{id}/raw',
      async handle(request, response, params) {
        refuseQuery(request.query);
        const bytes = await stored(find(params));
        sendNow(response, 'message/rfc822', bytes);
      },
    },
  ];
}
