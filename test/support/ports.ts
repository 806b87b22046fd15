/**
 * Ports for tests that start a server written by others (nginx, HAProxy) on loopback: a free
 * port to give it, and a wait until it listens there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, createServer } from '../../src/socket/index.js';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read, closed).
 * @returns the port number.
 */
export async function freePort(): Promise<number> {
  const probe = await createServer(['127.0.0.1', 0]);
  const found = (probe.getsockname() as [string, number])[1];
  probe.close();
  return found;
}

/**
 * Resolves once something accepts connections on 127.0.0.1:`port`.
 * @param port the port.
 * @param seconds how long to try before failing with the last connect error.
 */
export async function waitForPort(port: number, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const sock = await createConnection(['127.0.0.1', port], 1);
      sock.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}
