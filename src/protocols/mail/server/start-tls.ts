/**
 * The server side of an in-band TLS upgrade (SMTP STARTTLS, RFC 3207; POP3 STLS, RFC 2595) on
 * a running channel: the plain socket leaves the loop, is wrapped, and the TLS socket takes
 * its place in the same channel, so the session goes on where it stopped.
 */

import type { ServerChannel } from '../../../server/server-channel.js';
import type { SSLContext } from '../../../socket/index.js';

/**
 * Upgrades a channel's connection to TLS. Call it once the positive reply (`220`, `+OK`) has
 * been sent in full: the client starts its handshake when it reads that reply.
 *
 * `leftover` is what the session had read after the STARTTLS/STLS line (its `takeBuffered()`).
 * A client must wait for the reply before it sends anything (RFC 3207 §4.2), so such bytes can
 * only be plaintext injected by someone on the path (CVE-2011-0411): they are never executed
 * as commands, and the connection is closed instead of upgraded. Bytes the socket had not yet
 * delivered go to the TLS layer, which is where a conforming client's handshake is.
 *
 * @param channel The channel whose socket to wrap.
 * @param context A server context with a certificate loaded.
 * @param leftover Bytes read past the command line.
 * @returns `true` when the channel now speaks TLS; `false` when the handshake failed, took
 *   longer than `limits.handshakeTimeout` or the channel closed meanwhile (the channel is then
 *   closed, with its TLS and plain socket).
 * @example
 * if (await startServerTls(this, context, session.takeBuffered())) session.tlsStarted();
 */
export async function startServerTls(
  channel: ServerChannel,
  context: SSLContext,
  leftover: Uint8Array,
): Promise<boolean> {
  if (leftover.length > 0) {
    channel.observer.log?.('warn', 'plaintext sent after STARTTLS; closing', {
      peer: channel.peer,
      bytes: leftover.length,
    });
    channel.close();
    return false;
  }
  // The handshake deadline, and freeing both sockets on failure or close, are the channel's.
  return channel.upgradeToTls(context);
}
