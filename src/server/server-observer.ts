/**
 * What a server tells its host: connections, requests, transfers, errors. The host turns these
 * into log lines and the status page's counters; a server used alone needs none of it.
 */

import type { FaultAction, FaultFacts } from './fault-hook.js';

/** Log levels, as the host's logger has them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Details of a finished connection. */
export interface ConnectionSummary {
  readonly peer: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Milliseconds the connection lasted. */
  readonly duration: number;
}

/** Hooks a server calls; every one is optional. */
export interface ServerObserver {
  /** A connection was accepted. */
  connectionOpened?(peer: string): void;
  /** A connection was refused for a limit (too many in total or from one address). */
  connectionRefused?(peer: string, reason: string): void;
  /** A connection ended. */
  connectionClosed?(summary: ConnectionSummary): void;
  /**
   * Bytes moved outside a connection's summary: each datagram and its reply (`'udp'`), and an
   * FTP data connection's transfer (`'tcp'`). With `connectionClosed`'s counts (all TCP) this
   * is every byte of every transport.
   */
  transferred?(bytesIn: number, bytesOut: number, transport: 'tcp' | 'udp'): void;
  /**
   * A request (a command, an HTTP request, a query) was answered. `fields` are its log record;
   * `detail`, when given, is what only the capture keeps (an HTTP request's headers and body
   * sample: too much for a log line).
   */
  request?(
    fields: Readonly<Record<string, unknown>>,
    detail?: Readonly<Record<string, unknown>>,
  ): void;
  /** Something went wrong with one connection or datagram; the server goes on. */
  error?(error: unknown, peer?: string): void;
  /**
   * An exception escaped a connection's timer or continuation (a bug, not the peer's doing):
   * the connection was closed, the server goes on. Without this hook it goes to `error`.
   */
  uncaught?(error: unknown, peer?: string): void;
  /** A free-form log line. */
  log?(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
  /**
   * Whether the host's fault rules break this step (a reply, a delay, a disconnect, …); see
   * `fault-hook.ts`. Undefined, or returning undefined: the normal step.
   */
  fault?(facts: FaultFacts): FaultAction | undefined;
}

/** Formats a socket address for logs: `127.0.0.1:5000`, `[::1]:5000`, a path. */
export function peerText(address: unknown): string {
  if (typeof address === 'string') return address || 'unix';
  if (Array.isArray(address) && address.length >= 2) {
    const [host, port] = address as [string, number];
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }
  return 'unknown';
}

/** The address part of a peer text: `127.0.0.1` of `127.0.0.1:5000`, `::1` of `[::1]:5000`. */
function peerHost(peer: string): string {
  if (peer.startsWith('[')) return peer.slice(1, peer.indexOf(']'));
  const colon = peer.lastIndexOf(':');
  return colon > 0 && peer.indexOf(':') === colon ? peer.slice(0, colon) : peer;
}

/**
 * Whether a peer text (as {@link peerText} writes it) is the client `wanted` names: the same
 * text, or the same address when `wanted` is given with or without a port.
 * @param peer the peer of an event or a step.
 * @param wanted what a filter or a rule asks for (`127.0.0.1`, `[::1]:5000`).
 * @returns true when they name the same client.
 * @example samePeer('[::1]:5000', '::1'); // true
 */
export function samePeer(peer: string, wanted: string): boolean {
  return peer === wanted || peerHost(peer) === peerHost(wanted);
}
