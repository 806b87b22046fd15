/**
 * Per-service counters for the status page and `/metrics`, fed by the observer each server
 * reports through; the same observer writes the log lines.
 */
import type { ConnectionSummary, ServerObserver } from '../server/server-observer.js';
import type { EventHub } from './capture/event-hub.js';
import type { FaultBook } from './faults/fault-book.js';
import { LogThrottle } from './log-throttle.js';
import type { Logger } from './logger.js';
import type { DurationRecorder } from './metrics.js';

/** The counters of one service. */
export class ServiceStats {
  readonly name: string;
  readonly protocol: string;
  connectionsNow = 0;
  connectionsTotal = 0;
  connectionsRefused = 0;
  /** Every byte received, over any transport. */
  bytesIn = 0;
  /** Every byte sent, over any transport. */
  bytesOut = 0;
  /** Of `bytesIn`, those that came as UDP datagrams; the rest came over TCP. */
  udpBytesIn = 0;
  /** Of `bytesOut`, those that left as UDP datagrams; the rest left over TCP. */
  udpBytesOut = 0;
  requests = 0;
  errors = 0;
  /** Exceptions that escaped a connection's timer or continuation (each closed it). */
  uncaughtErrors = 0;

  constructor(name: string, protocol: string) {
    this.name = name;
    this.protocol = protocol;
  }
}

/** Options for {@link serviceObserver}. */
export interface ServiceObserverOptions {
  /**
   * Whether each request gets a log line; `false` only counts them (DNS queries, unless
   * `dns.logQueries` is set). Default true.
   */
  readonly logRequests?: boolean;
  /** Where the service's events are captured (none: nothing is captured). */
  readonly capture?: EventHub;
  /** The fault rules the service's steps are checked against (none: no faults). */
  readonly faults?: FaultBook;
  /**
   * Where each request's `duration` (milliseconds, as HTTP requests and FTP transfers report
   * it) goes, in seconds: the service's histogram child (none: not measured).
   */
  readonly durations?: DurationRecorder;
}

/** An error's text for a captured event: its message, not its stack. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes the observer a service's servers report through: it counts into `stats`, captures each
 * event into the host's hub, and logs through `logger` one line per request (at `info`, as an
 * access log) and per connection opened and closed (at `debug`: a busy server's log would be
 * mostly these). Refusals and errors are logged one by one up to 20 a second each; past that,
 * a flood (a peer past the limits, over and over) is counted and told in one line a second.
 * @param stats the service's counters.
 * @param logger the service's child logger.
 * @param options whether requests are logged; the capture hub, faults and duration histogram.
 * @example const observer = serviceObserver(stats, logger.child({ service: 'ftp' }), { capture });
 */
export function serviceObserver(
  stats: ServiceStats,
  logger: Logger,
  options: ServiceObserverOptions = {},
): ServerObserver {
  const logRequests = options.logRequests ?? true;
  const capture = options.capture;
  const service = stats.name;
  const faults = options.faults;
  const durations = options.durations;
  const refusals = new LogThrottle((count) =>
    logger.warn(
      { suppressed: count },
      `connection refused: ${count} more in the last second, not logged one by one`,
    ),
  );
  const errors = new LogThrottle((count) =>
    logger.warn(
      { suppressed: count },
      `error: ${count} more in the last second, not logged one by one`,
    ),
  );
  return {
    ...(faults !== undefined ? { fault: (facts) => faults.pick(service, facts) } : {}),
    connectionOpened(peer) {
      stats.connectionsNow++;
      stats.connectionsTotal++;
      capture?.record(service, 'open', peer);
      logger.debug({ peer }, 'connection opened');
    },
    connectionRefused(peer, reason) {
      stats.connectionsRefused++;
      capture?.record(service, 'refused', peer, { reason });
      if (refusals.admit()) logger.warn({ peer, reason }, 'connection refused');
    },
    connectionClosed(summary: ConnectionSummary) {
      stats.connectionsNow = Math.max(0, stats.connectionsNow - 1);
      stats.bytesIn += summary.bytesIn;
      stats.bytesOut += summary.bytesOut;
      capture?.record(service, 'close', summary.peer, {
        bytesIn: summary.bytesIn,
        bytesOut: summary.bytesOut,
        duration: summary.duration,
      });
      logger.debug(
        { peer: summary.peer, in: summary.bytesIn, out: summary.bytesOut, ms: summary.duration },
        'connection closed',
      );
    },
    transferred(bytesIn, bytesOut, transport) {
      stats.bytesIn += bytesIn;
      stats.bytesOut += bytesOut;
      if (transport === 'udp') {
        stats.udpBytesIn += bytesIn;
        stats.udpBytesOut += bytesOut;
      }
    },
    request(fields, detail) {
      stats.requests++;
      if (durations !== undefined && typeof fields.duration === 'number') {
        durations.observe(fields.duration / 1000);
      }
      if (capture !== undefined) {
        const kind = typeof fields.msg === 'string' ? fields.msg : 'request';
        const peer = typeof fields.peer === 'string' ? fields.peer : '';
        capture.record(service, kind, peer, fields, detail);
      }
      if (!logRequests) return;
      // The fields go as they are (no copy without `msg`): their `msg` is the line's message.
      if (typeof fields.msg === 'string') logger.info(fields);
      else logger.info(fields, 'request');
    },
    error(error, peer) {
      stats.errors++;
      capture?.record(service, 'error', peer ?? '', { error: errorText(error) });
      if (errors.admit()) logger.warn({ err: error, ...(peer ? { peer } : {}) }, 'error');
    },
    uncaught(error, peer) {
      stats.uncaughtErrors++;
      capture?.record(service, 'error', peer ?? '', { error: errorText(error), uncaught: true });
      logger.error(
        { err: error, ...(peer ? { peer } : {}) },
        'uncaught error: the connection was closed, the others go on',
      );
    },
    log(level, message, fields) {
      logger[level](fields ?? {}, message);
    },
  };
}
