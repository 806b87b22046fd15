/**
 * A lying upstream for the forwarder tests (not a test file): a polyport UDP server on loopback
 * port 0 that answers each question from a script of responses written as zone text, records
 * for other names included, as a compromised or spoofed upstream would.
 */
import { closeAll, loop, type SocketMap } from '../../../src/dispatch/index.js';
import {
  type DnsRecord,
  decodeMessage,
  encodeMessage,
  parseZone,
  Rcode,
  responseTo,
} from '../../../src/protocols/dns/index.js';
import { DatagramServer } from '../../../src/server/datagram-server.js';

/** What the upstream says to one question name, as zone text with absolute names. */
export interface ScriptedAnswer {
  readonly rcode?: number;
  readonly answers?: string;
  readonly authorities?: string;
  readonly additionals?: string;
}

/** A running lying upstream. */
export interface LyingUpstream {
  readonly address: readonly [string, number];
  /** The names asked, in order, as the queries spelled them. */
  readonly asked: string[];
  stop(): Promise<void>;
}

const records = (text: string | undefined): DnsRecord[] =>
  text === undefined ? [] : parseZone(text, { origin: '.' });

/**
 * Starts the upstream. A name not in `script` gets REFUSED.
 *
 * @param script answers by lower-case question name.
 */
export async function startLyingUpstream(
  script: Readonly<Record<string, ScriptedAnswer>>,
): Promise<LyingUpstream> {
  const map: SocketMap = new Map();
  const asked: string[] = [];
  const server = await DatagramServer.open({
    address: ['127.0.0.1', 0],
    map,
    handler: (data) => {
      const query = decodeMessage(data);
      const name = query.questions[0]?.name ?? '';
      asked.push(name);
      const scripted = script[name.toLowerCase()];
      if (scripted === undefined) return encodeMessage(responseTo(query, Rcode.REFUSED));
      return encodeMessage({
        ...responseTo(query, scripted.rcode ?? Rcode.NOERROR),
        ra: true,
        answers: records(scripted.answers),
        authorities: records(scripted.authorities),
        additionals: records(scripted.additionals),
      });
    },
  });
  const running = loop({ map, timeout: 1 });
  return {
    address: server.boundAddress,
    asked,
    async stop() {
      server.close();
      closeAll(map, true);
      await running;
    },
  };
}
