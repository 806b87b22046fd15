/**
 * `answerFault()`: what a host's fault rule makes of an HTTP response before its handler runs —
 * a status answered in the handler's place, a 1xx sent ahead of the handler's response, or a
 * connection marked to close because the fault breaks its framing. Faults in the response's
 * bytes are `FaultedSink`'s; a fault's delay and `disconnect` are the channel's.
 */
import type { FaultAction } from '../../../server/fault-hook.js';
import { statusLine } from '../codec/encode-head.js';
import { reasonPhrase } from '../codec/status-reasons.js';
import type { HttpResponse } from './http-response.js';
import type { OutputBatch } from './output-batch.js';

/**
 * Applies a fault's `status` to a response (a `status` of 200 or more answers that status with a
 * short plain body; a 1xx goes out as an interim response, to an HTTP/1.1 client only), and
 * makes a response whose framing the fault breaks (`resetAfterHead`, `malformedChunk`) the
 * connection's last.
 *
 * @param action The fault (its `delay` has passed; not a `disconnect`).
 * @param response The faulted request's response, not yet begun.
 * @param batch Where an interim response is queued, ahead of the handler's.
 * @returns true when the handler is still to answer, false when the fault has answered.
 * @example
 * if (answerFault({ status: 503 }, response, batch)) respond(request, response);
 * // false: '503 Service Unavailable\n' was sent and no handler runs
 */
export function answerFault(
  action: FaultAction,
  response: HttpResponse,
  batch: OutputBatch,
): boolean {
  // A connection whose framing is broken cannot carry another response.
  if (action.resetAfterHead === true || action.malformedChunk === true) {
    response.closeConnection();
  }
  const status = action.status;
  if (status === undefined) return true;
  if (status < 200) {
    // A 1xx cannot end an exchange: it goes out as an interim response (an unasked 100
    // Continue, a 103 Early Hints) before the handler's; an HTTP/1.0 client gets none.
    if (response.request.version !== '1.0') {
      batch.add(Buffer.from(`${statusLine(status)}\r\n`, 'latin1'), true);
    }
    return true;
  }
  response.status = status;
  response.send(`${`${status} ${reasonPhrase(status)}`.trimEnd()}\n`);
  return false;
}
