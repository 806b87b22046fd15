/**
 * `polyport connect`: a netcat on polyport sockets — TCP, UDP or TLS, connecting or listening.
 */
import { parseArgs } from 'node:util';
import {
  type CliCommand,
  type CliIO,
  clientTlsContext,
  EXIT,
  tlsHint,
  usageError,
} from '../protocols/common/index.js';
import {
  AddressInfoError,
  AI_PASSIVE,
  createConnection,
  formatAddress,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
  SocketError,
  SocketTimeoutError,
  socket,
} from '../socket/index.js';
import { secondsOption } from './number-option.js';
import { type RelayEnd, type RelayOptions, relayDatagrams, relayStream } from './relay.js';
import { targetAddresses } from './target-addresses.js';

const HELP = `Usage: polyport connect [options] HOST PORT
       polyport connect --listen [options] HOST PORT

A netcat: connects to HOST PORT, copies standard input to the connection and the connection
to standard output. At the end of standard input it half-closes the connection (the peer reads
end of stream) and goes on printing until the peer closes.

Options:
  -u, --udp           use UDP: each line of standard input is sent as one datagram (without
                      its line ending) and each reply is printed on its own line; after the end
                      of input, late replies are awaited for 1 s (or --timeout)
      --tls           speak TLS (SNI and certificate check against HOST)
      --insecure      with --tls, do not verify the server's certificate
      --cafile FILE   with --tls, trust the CA certificates in FILE (PEM)
  -l, --listen        listen on HOST PORT and serve the first client that connects (with
                      --udp: the first sender), then relay as above; the address is printed
                      on stderr (PORT 0 picks a free port)
  -w, --timeout SECS  give up when connecting (or waiting for a client) takes longer, or when
                      no data passes either way for this long
  -h, --help          show this help

Exit status: 0 when the session ended normally (the peer closed, or Ctrl-C), 1 when the
connection failed, timed out or was reset, 2 for bad usage.

Examples:
  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | polyport connect 127.0.0.1 10080
  polyport connect --tls example.com 443
  echo hello | polyport connect --udp 127.0.0.1 10007
  polyport connect --listen 127.0.0.1 9000 > received.bin
`;

interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly udp: boolean;
  readonly tls: boolean;
  readonly insecure: boolean;
  readonly cafile: string | undefined;
  readonly listen: boolean;
  readonly timeout: number | null;
}

/** `polyport connect`. */
export const connectCommand: CliCommand = {
  name: 'connect',
  summary: 'a netcat: relay stdin/stdout over TCP, UDP or TLS',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let options: ConnectOptions | 'help';
    try {
      options = parse(argv);
    } catch (err) {
      return usageError(io, 'connect', err, HELP);
    }
    if (options === 'help') {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    let sock: Socket | null = null;
    try {
      sock = await (options.listen ? acceptOne(options, io) : open(options));
      const relay: RelayOptions = {
        stdin: io.stdin,
        stdout: io.stdout,
        stderr: io.stderr,
        idleTimeout: options.timeout,
        interrupted: io.interrupted,
      };
      const end: RelayEnd = options.udp
        ? await relayDatagrams(sock, { ...relay, linger: options.timeout ?? 1 })
        : await relayStream(sock, relay);
      if (end === 'idle') {
        io.stderr.write(`polyport connect: nothing sent or received for ${options.timeout} s\n`);
        return EXIT.FAILURE;
      }
      return EXIT.OK;
    } catch (err) {
      if (!(err instanceof SocketError)) throw err;
      io.stderr.write(`polyport connect: ${err.message}${tlsHint(err)}\n`);
      return EXIT.FAILURE;
    } finally {
      sock?.close();
    }
  },
};

/** Connects (and, with --tls, does the handshake), trying each address of HOST in turn. */
async function open(options: ConnectOptions): Promise<Socket> {
  if (options.udp) {
    const [target] = await targetAddresses(options.host, options.port, SOCK_DGRAM);
    if (target === undefined) throw new AddressInfoError('EAI_NONAME', { addr: options.host });
    const sock = socket(target.family, SOCK_DGRAM);
    try {
      await sock.connect(target.sockaddr);
    } catch (err) {
      sock.close();
      throw err;
    }
    return sock;
  }
  const plain = await createConnection([options.host, options.port], options.timeout ?? undefined);
  plain.settimeout(null);
  if (!options.tls) return plain;
  const context = clientTlsContext(options);
  const handshake = context.wrapSocket(plain, { serverHostname: options.host });
  if (options.timeout === null) return handshake;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        plain.close();
        reject(new SocketTimeoutError({ op: 'handshake', net: 'tls', addr: options.host }));
      },
      (options.timeout as number) * 1000,
    );
  });
  try {
    return await Promise.race([handshake, timedOut]);
  } finally {
    clearTimeout(timer);
    handshake.catch(() => {});
  }
}

/** Listens on HOST PORT until one client connects (or one datagram comes), then stops. */
async function acceptOne(options: ConnectOptions, io: CliIO): Promise<Socket> {
  const type = options.udp ? SOCK_DGRAM : SOCK_STREAM;
  const [local] = await targetAddresses(options.host, options.port, type, AI_PASSIVE);
  if (local === undefined) throw new AddressInfoError('EAI_NONAME', { addr: options.host });
  const server = socket(local.family, type);
  let keep = false;
  try {
    server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    await server.bind(local.sockaddr);
    if (!options.udp) await server.listen(1);
    io.stderr.write(`Listening on ${formatAddress(server.getsockname())}\n`);
    server.settimeout(options.timeout);
    if (options.udp) {
      // The first datagram picks the peer; its bytes are the start of the session's output.
      const [data, peer] = await server.recvfrom(65536);
      io.stderr.write(`Datagram from ${formatAddress(peer)}\n`);
      io.stdout.write(data.at(-1) === 0x0a ? data : Buffer.concat([data, Buffer.from('\n')]));
      server.settimeout(null);
      await server.connect(peer);
      keep = true;
      return server;
    }
    const [conn, peer] = await server.accept();
    io.stderr.write(`Connection from ${formatAddress(peer)}\n`);
    conn.settimeout(null);
    return conn;
  } finally {
    if (!keep) server.close();
  }
}

function parse(argv: readonly string[]): ConnectOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      udp: { type: 'boolean', short: 'u' },
      tls: { type: 'boolean' },
      insecure: { type: 'boolean' },
      cafile: { type: 'string' },
      listen: { type: 'boolean', short: 'l' },
      timeout: { type: 'string', short: 'w' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length !== 2) throw new Error('give HOST and PORT');
  const [host, portText] = positionals as [string, string];
  if (host === '') throw new Error('the host name is empty');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  const listen = values.listen === true;
  if (!(port >= (listen ? 0 : 1) && port <= 65535)) {
    throw new Error(`PORT must be a number from ${listen ? 0 : 1} to 65535, got '${portText}'`);
  }
  const udp = values.udp === true;
  const tls = values.tls === true;
  if (tls && udp) throw new Error('--tls works over TCP only, not with --udp');
  if (tls && listen) throw new Error('--tls cannot be combined with --listen');
  if (!tls && (values.insecure || values.cafile !== undefined)) {
    throw new Error('--insecure and --cafile need --tls');
  }
  if (values.insecure && values.cafile !== undefined) {
    throw new Error('give --insecure or --cafile, not both');
  }
  return {
    host,
    port,
    udp,
    tls,
    insecure: values.insecure === true,
    cafile: values.cafile,
    listen,
    timeout: secondsOption('--timeout', values.timeout, null),
  };
}
