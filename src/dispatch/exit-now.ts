/**
 * Thrown from a handler to stop `loop()` at once: the loop's promise rejects with it, as
 * asyncore's `ExitNow` propagates out of `loop()`.
 * @example handleRead() { if (done) throw new ExitNow('finished'); }
 */
export class ExitNow extends Error {
  constructor(message = 'exit now') {
    super(message);
    this.name = 'ExitNow';
  }
}
