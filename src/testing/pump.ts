/**
 * `pump()`: h11's way to test two sans-I/O sessions against each other. A client session and a
 * server session are connected by nothing but this loop, which hands each one's output to the
 * other until both are quiet: a whole conversation runs in memory, in one synchronous call, with
 * no socket, timer or event loop, and every byte either side wrote is delivered in order.
 */

/** One end of an in-memory conversation: any sans-I/O session (or a test's wrapper of one). */
export interface PumpEnd {
  /** Bytes from the other end. An end that must act on events does so here. */
  receiveData(data: Uint8Array): void;
  /** Everything written since the last call; empty when nothing was. */
  takeOutput(): Uint8Array;
}

/** Options for {@link pump}. */
export interface PumpOptions {
  /**
   * Rounds (one hand-over each way) before giving up: two ends that keep answering each other
   * are a bug to report, not a loop to hang in. Default 1000.
   */
  readonly maxRounds?: number;
}

/**
 * Moves bytes between `client` and `server` until neither has output: in each round the
 * client's output goes to the server, then the server's output (its greeting, on the first
 * round) goes to the client.
 *
 * A session that acts on its input only when its events are read (h11's `nextEvent()`) needs a
 * handler between the two: pass a small wrapper whose `receiveData()` feeds the session and then
 * handles its events, as a server's glue would.
 *
 * @param client the side that speaks first (or answers a greeting).
 * @param server the other side.
 * @param options the round limit.
 * @returns the number of bytes moved, both ways together.
 * @throws {Error} when both ends still have output after `maxRounds` rounds.
 * @throws {RangeError} when `maxRounds` is not a positive integer.
 * @example
 * const server = new EchoSession();
 * const client = new LineClient(['hello', 'bye']);
 * pump(client, server); // 18: 'hello\r\nbye\r\n' there, the same back
 * client.replies; // ['hello', 'bye']
 */
export function pump(client: PumpEnd, server: PumpEnd, options: PumpOptions = {}): number {
  const maxRounds = options.maxRounds ?? 1000;
  if (!Number.isSafeInteger(maxRounds) || maxRounds < 1) {
    throw new RangeError(`pump(): maxRounds must be a positive integer, got ${maxRounds}`);
  }
  let moved = 0;
  for (let round = 0; round < maxRounds; round++) {
    const toServer = client.takeOutput();
    if (toServer.length > 0) server.receiveData(toServer);
    const toClient = server.takeOutput();
    if (toClient.length > 0) client.receiveData(toClient);
    if (toServer.length === 0 && toClient.length === 0) return moved;
    moved += toServer.length + toClient.length;
  }
  throw new Error(`pump(): the two ends were still talking after ${maxRounds} rounds`);
}
