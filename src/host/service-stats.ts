/**
 * Per-service counters for the status page and `/metrics`, fed by the observer each server
 * reports through; the same observer writes the log lines.
 */
import type { ConnectionSummary, ServerObserver } from '../server/server-observer.js';
import type { Logger } from './logger.js';

/** The counters of one service. */
export class ServiceStats {
  readonly name: string;
  readonly protocol: string;
  connectionsNow = 0;
  connectionsTotal = 0;
  connectionsRefused = 0;
  bytesIn = 0;
  bytesOut = 0;
  requests = 0;
  errors = 0;
  /** Exceptions that escaped a connection's timer or continuation (each closed it). */
  uncaughtErrors = 0;

  constructor(name: string, protocol: string) {
    this.name = name;
    this.protocol = protocol;
  }
}

/**
 * Makes the observer a service's servers report through: it counts into `stats` and logs
 * through `logger` one line per request (at `info`, as an access log) and per connection opened
 * and closed (at `debug`: a busy server's log would be mostly these).
 * @param logRequests whether each request gets a line; `false` only counts them (DNS queries,
 *   unless `dns.logQueries` is set).
 * @example const observer = serviceObserver(stats, logger.child({ service: 'ftp' }));
 */
export function serviceObserver(
  stats: ServiceStats,
  logger: Logger,
  logRequests = true,
): ServerObserver {
  return {
    connectionOpened(peer) {
      stats.connectionsNow++;
      stats.connectionsTotal++;
      logger.debug({ peer }, 'connection opened');
    },
    connectionRefused(peer, reason) {
      stats.connectionsRefused++;
      logger.warn({ peer, reason }, 'connection refused');
    },
    connectionClosed(summary: ConnectionSummary) {
      stats.connectionsNow = Math.max(0, stats.connectionsNow - 1);
      stats.bytesIn += summary.bytesIn;
      stats.bytesOut += summary.bytesOut;
      logger.debug(
        { peer: summary.peer, in: summary.bytesIn, out: summary.bytesOut, ms: summary.duration },
        'connection closed',
      );
    },
    transferred(bytesIn, bytesOut) {
      stats.bytesIn += bytesIn;
      stats.bytesOut += bytesOut;
    },
    request(fields) {
      stats.requests++;
      if (!logRequests) return;
      // The fields go as they are (no copy without `msg`): their `msg` is the line's message.
      if (typeof fields.msg === 'string') logger.info(fields);
      else logger.info(fields, 'request');
    },
    error(error, peer) {
      stats.errors++;
      logger.warn({ err: error, ...(peer ? { peer } : {}) }, 'error');
    },
    uncaught(error, peer) {
      stats.uncaughtErrors++;
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
