/**
 * `DispatcherExtras`: what a `Dispatcher` holds only once it needs it (the error that ended its
 * connection, its setup steps), kept out of the channel
 * and made on first use: an idle server holds thousands of accepted channels that need none of
 * it, and each field of their own would cost every one of them.
 */
import type { SocketError } from '../socket/index.js';

/** A channel's setup steps: the last one chained, and the error that ended them, if one did. */
export interface SetupChain {
  last: Promise<void>;
  failed: boolean;
  error: unknown;
}

/**
 * @internal The rarely needed state of one dispatcher (see the file's comment).
 * @example
 * const extras = new DispatcherExtras();
 * extras.setup = { last: Promise.resolve(), failed: false, error: undefined };
 */
export class DispatcherExtras {
  /** See `Dispatcher.closeError`. */
  closeError: SocketError | null = null;
  /** The setup steps (bind, listen, connect), made by the first. */
  setup: SetupChain | null = null;
}
