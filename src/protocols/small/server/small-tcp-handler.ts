/**
 * `SmallTcpHandler`: one TCP connection of a small service (RFC 862–868) on the kit — echo's
 * or discard's session, or a service that only speaks (daytime, time, qotd: one answer;
 * chargen: an endless stream), driven by the kit's `Connection`.
 */
import type { Producer } from '../../../dispatch/index.js';
import {
  Connection,
  type ConnectionSettings,
  type SessionHandler,
} from '../../../server/connection.js';
import type { Transport } from '../../../server/transport.js';
import { ChargenGenerator } from '../codec/chargen-generator.js';
import { DiscardSession } from '../codec/discard-session.js';
import { EchoSession } from '../codec/echo-session.js';

/** What a small service's TCP connection does. */
export type SmallTcpBehaviour =
  /** RFC 862: every byte back. */
  | { readonly kind: 'echo' }
  /** RFC 863: read and drop. */
  | { readonly kind: 'discard' }
  /** RFC 864: an endless stream of lines, as fast as the client reads. */
  | { readonly kind: 'chargen' }
  /** RFC 865, 867, 868: one answer on connect, then close. */
  | { readonly kind: 'answer'; readonly answer: Uint8Array };

/**
 * A small service's connection. None of them has requests (no events): echo's output goes
 * back as it comes, and the kit stops reading while it is queued; chargen's stream is a
 * producer the transport pulls only when the socket has room, so a client that stops reading
 * stops it (and the write timeout lets it go); an answer is written on connect and the
 * connection closes once it is out.
 *
 * @example
 * createChannel: ({ socket, channelOptions }) =>
 *   new SmallTcpHandler(new ChannelTransport(socket, channelOptions), channelOptions, { kind: 'echo' });
 */
export class SmallTcpHandler implements SessionHandler<never> {
  readonly connection: Connection<never>;

  /**
   * @param transport the connection's bytes (a `ChannelTransport`, or `StringTransport` in tests).
   * @param settings limits, observer and clock from the listener.
   * @param behaviour which service this connection is.
   */
  constructor(transport: Transport, settings: ConnectionSettings, behaviour: SmallTcpBehaviour) {
    const session = behaviour.kind === 'echo' ? new EchoSession() : new DiscardSession();
    this.connection = new Connection({ ...settings, transport, session, handler: this });
    if (behaviour.kind === 'chargen') {
      const generator = new ChargenGenerator();
      const producer: Producer = {
        more: () => {
          // Bytes the client takes are activity: a reading client is never idle.
          transport.touch();
          return generator.nextChunk();
        },
      };
      this.connection.writeProducer(producer);
    } else if (behaviour.kind === 'answer') {
      this.connection.write(behaviour.answer);
      this.connection.closeWhenDone();
    }
  }

  /** No small service has events. */
  handleEvent(_event: never): void {}
}
