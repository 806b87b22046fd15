/**
 * What the config knows of a service — its table's name and default port, its own keys, its
 * checks across keys — and the keys every service table has (`enabled`, `address`, `port`,
 * `proxyProtocol*`, `limits.*`), written once as a template expanded per service. The services themselves are
 * modules in `src/host/services/`, listed once in `SERVICE_MODULES`.
 */
import { isAddressRange, isListenAddress } from './address-syntax.js';
import type { ConfigIssue } from './config-error.js';
import type { KeySpec } from './key-spec.js';
import type { PolyportConfig, ServiceConfig } from './polyport-config.js';
import { booleanType, integerType, listType, secondsType, stringType } from './value-types.js';

/** One service polyport can run, and what its shared keys default to. */
export interface ServiceInfo {
  /** The table name in the config file. */
  readonly name: string;
  /** What it is, for the reference. */
  readonly title: string;
  /** The well-known port; the default port is this plus `portOffset`. */
  readonly wellKnownPort: number;
  /** Serves UDP as well as TCP (gets `tcp`, `udp` and the UDP rate-limit keys). */
  readonly datagram: boolean;
  /** Default for `limits.maxRequestSize`, in bytes. */
  readonly maxRequestSize: number;
  /**
   * Its clients log in with the `[[users]]` passwords (FTP, SMTP AUTH, POP3): with the sample
   * user `demo`/`demo` it must stay on loopback (see `checkCredentialsPolicy()`).
   */
  readonly logsUsersIn?: boolean;
}

/**
 * A service as the config sees it: its shared keys' defaults (see {@link ServiceInfo}), the keys
 * of its own, and the checks that need more than one key. `T` is its table's type.
 *
 * @example
 * const finger: ServiceSchema<FingerServiceConfig> = {
 *   name: 'finger', title: 'Finger (RFC 1288)', wellKnownPort: 79, datagram: false,
 *   maxRequestSize: 1024,
 *   keys: [{ key: 'finger.allowForwarding', type: booleanType(), default: false, doc: '…' }],
 * };
 */
export interface ServiceSchema<T extends ServiceConfig = ServiceConfig> extends ServiceInfo {
  /**
   * Its own keys, named `<name>.<key>` (`http.root`), beyond those every service has; the
   * reference lists them in this order, after the services before it in the list.
   */
  readonly keys?: readonly KeySpec[];
  /**
   * Checks its table against the rest of the config once every single key is valid (a user
   * named in it must exist, say).
   * @param table its effective table.
   * @param config the whole effective config.
   * @returns one issue per problem, made with `conflict()` (empty when consistent).
   */
  crossCheck?(table: T, config: PolyportConfig): readonly ConfigIssue[];
}

/**
 * The effective config table of a service.
 * @param config the effective config (built with a list that holds `service`).
 * @param service the service.
 * @returns its table, or `undefined` when the config was built without it.
 * @example
 * serviceTable(config, httpService)?.root; // './polyport-data/www'
 */
export function serviceTable<T extends ServiceConfig>(
  config: PolyportConfig,
  service: ServiceSchema<T>,
): T | undefined {
  // Each service's table is built from its own schema rows, so it has the module's shape.
  return (config as unknown as Readonly<Record<string, T | undefined>>)[service.name];
}

const port = integerType(0, 65535);
const seconds = secondsType(86_400);
const count = integerType(1, 1_000_000);
const address = stringType({
  name: 'address',
  expected: 'an IPv4 or IPv6 address or a host name',
  check: isListenAddress,
});

/**
 * The keys every service has, for one service.
 *
 * @param s The service.
 * @returns Its `enabled`, `address`, `port`, protocol switches, `proxyProtocol*` and `limits.*`
 *   keys.
 * @example
 * serviceKeys(SERVICES[0]!).map((k) => k.key); // ['admin.enabled', 'admin.address', …]
 */
export function serviceKeys(s: ServiceInfo): KeySpec[] {
  const n = s.name;
  const keys: KeySpec[] = [
    { key: `${n}.enabled`, type: booleanType(), default: true, doc: `Run the ${s.title} service.` },
    {
      key: `${n}.address`,
      type: address,
      default: '127.0.0.1',
      doc: 'Address to listen on; 0.0.0.0 or :: for every interface.',
    },
    {
      key: `${n}.port`,
      type: port,
      default: {
        describe: `${s.wellKnownPort} + portOffset`,
        derive: (get) => s.wellKnownPort + Number(get('portOffset')),
      },
      doc: 'Port to listen on; when set it is used as is (portOffset does not apply). 0 picks a free port.',
    },
  ];
  if (s.datagram) {
    keys.push(
      { key: `${n}.tcp`, type: booleanType(), default: true, doc: 'Serve over TCP.' },
      {
        key: `${n}.udp`,
        type: booleanType(),
        default: true,
        doc: 'Serve over UDP, on the same port number.',
      },
    );
  }
  keys.push(
    {
      key: `${n}.proxyProtocol`,
      type: booleanType(),
      default: false,
      doc: "Behind an L4 load balancer: every TCP connection starts with a PROXY protocol header (v1 or v2, as HAProxy send-proxy / send-proxy-v2), and the client it names is the peer for logs, capture, limits and the protocol. Only addresses in proxyProtocolFrom may connect; a connection without a valid header within limits.handshakeTimeout is refused. DNS's UDP side takes it too (nginx stream with proxy_protocol on): a datagram carries the header, or follows one from the same balancer address and port (nginx sends it on the first datagram of a session); others, and datagrams from other addresses, are dropped, and the reply goes back through the balancer. The small services' UDP side is not affected.",
    },
    {
      key: `${n}.proxyProtocolFrom`,
      type: listType(
        stringType({
          name: 'address or CIDR',
          expected: 'an IP address or CIDR range such as 10.0.0.0/8',
          check: isAddressRange,
        }),
      ),
      default: ['127.0.0.1', '::1'],
      doc: 'The load balancers allowed to send a PROXY header (when proxyProtocol is on): addresses and CIDR ranges. A connection from any other address is refused, since its header would be a forged client address.',
    },
    {
      key: `${n}.limits.maxConnections`,
      type: count,
      default: 1024,
      doc: 'Most TCP connections open at once; more are refused.',
    },
    {
      key: `${n}.limits.maxConnectionsPerAddress`,
      type: count,
      default: 256,
      doc: 'Most TCP connections open at once from one client address (an IPv6 client is its /64; an IPv4-mapped address counts as its IPv4 address).',
    },
    {
      key: `${n}.limits.idleTimeout`,
      type: seconds,
      default: 300,
      doc: 'Seconds a connection may stay silent between requests before it is closed; 0 for never.',
    },
    {
      key: `${n}.limits.readTimeout`,
      type: seconds,
      default: 30,
      doc: 'Seconds a started request (a partial line or header) may take to complete; 0 for never. Client-speaks-first services (HTTP, finger) also give a new connection this long for its first request.',
    },
    {
      key: `${n}.limits.handshakeTimeout`,
      type: seconds,
      default: 10,
      doc: 'Seconds a TLS handshake may take (on a TLS port, or after STARTTLS, STLS or AUTH TLS), and a PROXY protocol header (with proxyProtocol); past it the connection is closed without a reply. 0 for never.',
    },
    {
      key: `${n}.limits.writeTimeout`,
      type: seconds,
      default: 60,
      doc: 'Seconds queued output may wait without the client reading a byte of it; past it the connection is reset and the output dropped. 0 for never.',
    },
    {
      key: `${n}.limits.maxRequestSize`,
      type: integerType(64, 16_777_216),
      default: s.maxRequestSize,
      doc: 'Longest command line, request header block or datagram accepted, in bytes.',
    },
    {
      key: `${n}.limits.maxPendingOutput`,
      type: integerType(1024, 1_073_741_824),
      default: 1_048_576,
      doc: 'Bytes of replies queued for one TCP connection (a file counted by what it will still send) past which the server reads no further request until the client reads; one reply may exceed it.',
    },
  );
  if (s.datagram) {
    keys.push(
      {
        key: `${n}.limits.udpRate`,
        type: integerType(0, 1_000_000),
        default: 1000,
        doc: 'UDP datagrams per second answered per client address (an IPv6 /64; a token bucket); 0 for no limit. Guards against reflection attacks; an address dropped from the table of 10,000 comes back limited, not with a fresh burst.',
      },
      {
        key: `${n}.limits.udpBurst`,
        type: integerType(1, 1_000_000),
        default: 2000,
        doc: 'UDP datagrams a client address may send at once before udpRate applies.',
      },
    );
  }
  return keys;
}
