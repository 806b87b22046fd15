/**
 * `receiveForDownload()`: how much a client's download socket holds before it stops reading —
 * several of its reads, so that a full read does not pause the stream.
 */

import { CLIENT_READ_SIZE, SO_RCVBUF, SOL_SOCKET, type Socket } from '../../socket/index.js';

/**
 * Received bytes a download socket holds before it pauses reading (`SO_RCVBUF` on a polyport
 * stream: polyport's own bound, the kernel's buffer stays self-tuning). The default bound is one
 * client read ({@link CLIENT_READ_SIZE}), so each full read paused the stream and the next
 * receive resumed it: a stop and start of Node's reading, and a tick, per 256 KiB.
 */
export const DOWNLOAD_RECEIVE_LIMIT = 4 * CLIENT_READ_SIZE;

/**
 * Lets `sock` hold {@link DOWNLOAD_RECEIVE_LIMIT} received bytes before it pauses reading.
 *
 * @param sock A connected stream socket (plain or TLS) a download is read from.
 * @example
 * const data = await createConnection(['127.0.0.1', 10020]);
 * receiveForDownload(data);
 */
export function receiveForDownload(sock: Socket): void {
  sock.setsockopt(SOL_SOCKET, SO_RCVBUF, DOWNLOAD_RECEIVE_LIMIT);
}
