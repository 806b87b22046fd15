/**
 * TLS as Python's `ssl` module presents it: an `SSLContext` that wraps a connected socket into
 * an `SSLSocket` with the same methods, on either side, with SNI and ALPN. Wrapping works on a
 * socket that has already talked in the clear, so STARTTLS-style upgrades lose no byte.
 */
import { readFileSync } from 'node:fs';
import type * as NodeTls from 'node:tls';
import type { PeerCertificate, SecureContext, SecureContextOptions, TLSSocket } from 'node:tls';
import { SocketError, type SocketErrorContext } from './errors.js';
import { loadBuiltin } from './load-builtin.js';
import { adoptStream, Socket } from './socket.js';

/**
 * `node:tls`, loaded on first use rather than with the socket layer: loading it (and the TLS
 * half of OpenSSL's setup) costs a process tens of milliseconds on Node 24, which a program that
 * never speaks TLS (`polyport dig`, a UDP server) should not pay. Node keeps it once loaded.
 */
function nodeTls(): typeof NodeTls {
  return loadBuiltin('node:tls');
}

/** A client context: verifies the server's certificate and host name by default. */
export const PROTOCOL_TLS_CLIENT = 16;
/** A server context. */
export const PROTOCOL_TLS_SERVER = 17;
/** Don't ask for or check the peer's certificate. */
export const CERT_NONE = 0;
/** Check the peer's certificate if it sends one. */
export const CERT_OPTIONAL = 1;
/** Require and check the peer's certificate. */
export const CERT_REQUIRED = 2;

/** TLS protocol versions for `minimumVersion`/`maximumVersion`. */
export type TLSVersion = 'TLSv1.2' | 'TLSv1.3';

/**
 * The TLS 1.2 suites a server context offers until `setCiphers()` widens them: ECDHE (forward
 * secrecy) with an AEAD cipher (AES-GCM, ChaCha20-Poly1305), in the server's order of
 * preference. CBC suites (Lucky Thirteen and kin) and static RSA key exchange are left out.
 * TLS 1.3 suites are all AEAD and keep Node's defaults.
 */
const SERVER_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * OpenSSL's switch that refuses renegotiation (TLS 1.2 and older; TLS 1.3 has none): a
 * client-initiated renegotiation costs the server a handshake each time (a denial-of-service
 * lever) and buys nothing here. An OpenSSL without it (before 1.1.0h) leaves Node's own limit,
 * `tls.CLIENT_RENEG_LIMIT` renegotiations per `CLIENT_RENEG_WINDOW`. Read from `node:crypto`
 * when a server context is built, as `node:tls` is: a process that never serves TLS (`polyport
 * dig`) does not load node:crypto for it.
 */
function noRenegotiation(): number {
  const { constants } = loadBuiltin('node:crypto');
  return constants.SSL_OP_NO_RENEGOTIATION ?? 0;
}

/** A TLS failure: a handshake that failed, a bad certificate file, … (`ssl.SSLError`). */
export class SSLError extends SocketError {}

/** The peer's certificate did not verify (`ssl.SSLCertVerificationError`). */
export class SSLCertVerificationError extends SSLError {}

const VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

function toSSLError(err: unknown, context: SocketErrorContext): SSLError {
  if (err instanceof SSLError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'SSL_ERROR';
  const Class = VERIFY_CODES.has(code) ? SSLCertVerificationError : SSLError;
  return new Class(code, { ...context, detail: String(e?.message ?? code), cause: err });
}

/** Options for {@link SSLContext.wrapSocket}. */
export interface WrapOptions {
  /** Act as the server (default false). */
  readonly serverSide?: boolean;
  /** The server's name: sent as SNI and, with `checkHostname`, checked against its certificate. */
  readonly serverHostname?: string;
  /**
   * Bytes already read from the plain socket that belong to the TLS stream: what a line reader
   * holds past `STARTTLS` (its `takeBuffered()`), typically the start of the ClientHello. They
   * are fed to TLS before anything still unread on the socket, so no byte is lost or repeated.
   */
  readonly initialData?: Uint8Array;
  /**
   * Gives up on the handshake when aborted (a deadline, a server shutting down): the TLS stream
   * and the connection under it are destroyed, so the descriptor is freed at once, and the
   * promise rejects with the signal's reason (an `SSLError` `ECANCELED` when it is not an Error).
   */
  readonly signal?: AbortSignal;
}

/**
 * Settings and certificates for TLS connections, as Python's `ssl.SSLContext`.
 *
 * @example
 * const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
 * ctx.loadCertChain('cert.pem', 'key.pem');
 * const tlsConn = await ctx.wrapSocket(conn, { serverSide: true });
 */
export class SSLContext {
  /** `PROTOCOL_TLS_CLIENT` or `PROTOCOL_TLS_SERVER`. */
  readonly protocol: number;
  /** Check the server's certificate matches `serverHostname` (client contexts). */
  checkHostname: boolean;
  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. */
  verifyMode: number;
  /** The oldest TLS version accepted. */
  minimumVersion: TLSVersion = 'TLSv1.2';
  /** The newest TLS version accepted. */
  maximumVersion: TLSVersion = 'TLSv1.3';
  /**
   * Chooses the context for a client's SNI name (server side); return undefined to keep this one.
   */
  sniCallback: ((serverName: string) => SSLContext | undefined) | null = null;
  #cert: Buffer[] = [];
  #key: Buffer[] = [];
  #passphrase: string | undefined;
  #ca: Buffer[] | null = null;
  #alpn: string[] = [];
  #ciphers: string | undefined;
  #secure: SecureContext | null = null;

  /**
   * @param protocol `PROTOCOL_TLS_CLIENT` (default) or `PROTOCOL_TLS_SERVER`.
   * @throws {RangeError} for another protocol.
   */
  constructor(protocol = PROTOCOL_TLS_CLIENT) {
    if (protocol !== PROTOCOL_TLS_CLIENT && protocol !== PROTOCOL_TLS_SERVER) {
      throw new RangeError(
        `SSLContext(): protocol must be PROTOCOL_TLS_CLIENT or PROTOCOL_TLS_SERVER, got ${protocol}`,
      );
    }
    this.protocol = protocol;
    const client = protocol === PROTOCOL_TLS_CLIENT;
    this.checkHostname = client;
    this.verifyMode = client ? CERT_REQUIRED : CERT_NONE;
  }

  /**
   * Loads our certificate chain and private key from PEM files.
   * @param certfile the certificate (chain) file.
   * @param keyfile the key file; omitted when the key is in `certfile`.
   * @param password the key's passphrase.
   * @throws {SSLError} when a file cannot be read.
   */
  loadCertChain(certfile: string, keyfile?: string, password?: string): void {
    const cert = readPem(certfile);
    this.loadCertChainPem(cert, keyfile === undefined ? cert : readPem(keyfile), password);
  }

  /**
   * Loads our certificate chain and key from PEM text (polyport's addition, for material held in
   * memory).
   */
  loadCertChainPem(cert: string | Buffer, key: string | Buffer, password?: string): void {
    this.#cert = [Buffer.from(cert)];
    this.#key = [Buffer.from(key)];
    this.#passphrase = password;
    this.#secure = null;
  }

  /**
   * Loads the certificates to trust for verifying peers.
   * @param cafile a PEM file of CA certificates.
   * @param capath unsupported by Node (a directory of hashed names); give files instead.
   * @param cadata PEM text of CA certificates.
   */
  loadVerifyLocations(cafile?: string, capath?: string, cadata?: string | Buffer): void {
    if (capath !== undefined) {
      throw new SSLError('EINVAL', {
        op: 'loadVerifyLocations',
        detail: 'capath is not supported; pass cafile or cadata',
      });
    }
    const found: Buffer[] = [];
    if (cafile !== undefined) found.push(readPem(cafile));
    if (cadata !== undefined) found.push(Buffer.from(cadata));
    if (found.length === 0)
      throw new TypeError('loadVerifyLocations(): cafile or cadata is required');
    this.#ca = [...(this.#ca ?? []), ...found];
    this.#secure = null;
  }

  /** Trusts Node's bundled root certificates (as `load_default_certs()`). */
  loadDefaultCerts(): void {
    this.#ca = [...(this.#ca ?? []), ...nodeTls().rootCertificates.map((pem) => Buffer.from(pem))];
    this.#secure = null;
  }

  /** Sets the ALPN protocols to offer (client) or accept (server), in order of preference. */
  setAlpnProtocols(protocols: readonly string[]): void {
    this.#alpn = [...protocols];
  }

  /**
   * Sets the OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites change only when the list names
   * some, `TLS_AES_128_GCM_SHA256`…). A server context offers only ECDHE with AES-GCM or
   * ChaCha20-Poly1305 until this is called; widen it here for clients too old for those.
   * @param ciphers an OpenSSL cipher string, e.g. `'ECDHE+AESGCM:ECDHE+AES'`.
   * @example serverCtx.setCiphers('ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES');
   */
  setCiphers(ciphers: string): void {
    this.#ciphers = ciphers;
    this.#secure = null;
  }

  /**
   * Node's secure context for these settings (built once, rebuilt after a change). Every TLS
   * server polyport runs gets its context here, so a server context is where the server-side
   * policy lives: AEAD suites only on TLS 1.2 (unless `setCiphers()` says otherwise), the
   * server's order of preference, and no renegotiation.
   * @throws {SSLError} when the certificate, key or cipher list is unusable.
   */
  secureContext(): SecureContext {
    if (this.#secure !== null) return this.#secure;
    const server = this.protocol === PROTOCOL_TLS_SERVER;
    const ciphers = this.#ciphers ?? (server ? SERVER_CIPHERS : undefined);
    const options: SecureContextOptions = {
      minVersion: this.minimumVersion,
      maxVersion: this.maximumVersion,
      ...(this.#cert.length > 0 ? { cert: this.#cert, key: this.#key } : {}),
      ...(this.#passphrase !== undefined ? { passphrase: this.#passphrase } : {}),
      ...(this.#ca !== null ? { ca: this.#ca } : {}),
      ...(ciphers !== undefined ? { ciphers } : {}),
      ...(server ? { honorCipherOrder: true, secureOptions: noRenegotiation() } : {}),
    };
    try {
      this.#secure = nodeTls().createSecureContext(options);
    } catch (err) {
      throw toSSLError(err, { op: 'SSLContext' });
    }
    return this.#secure;
  }

  /**
   * Wraps a connected socket and performs the handshake. The plain socket is detached: use only
   * the returned one. Bytes the plain socket had received but not delivered go to TLS first.
   * @returns the TLS socket, once the handshake is done.
   * @throws {SSLError} when the handshake fails; {SSLCertVerificationError} for a bad certificate.
   * @example const tlsSock = await ctx.wrapSocket(sock, { serverHostname: 'localhost' });
   */
  async wrapSocket(sock: Socket, options: WrapOptions = {}): Promise<SSLSocket> {
    const serverSide = options.serverSide ?? false;
    if (serverSide && this.#cert.length === 0) {
      throw new SSLError('EINVAL', {
        op: 'wrapSocket',
        detail: 'a server-side TLS socket needs loadCertChain() first',
      });
    }
    if (!serverSide && this.checkHostname && options.serverHostname === undefined) {
      throw new TypeError('wrapSocket(): checkHostname requires serverHostname');
    }
    const secureContext = this.secureContext();
    const { stream, unread } = sock.detachStream();
    const early = options.initialData;
    const pending =
      early !== undefined && early.length > 0 ? Buffer.concat([early, unread]) : unread;
    // Node's TLS reads what is buffered on the plain stream before reading the wire.
    if (pending.length > 0) stream.unshift(pending);
    const verify = this.verifyMode !== CERT_NONE;
    let tlsStream: TLSSocket;
    if (serverSide) {
      tlsStream = new (nodeTls().TLSSocket)(stream, {
        isServer: true,
        secureContext,
        requestCert: verify,
        rejectUnauthorized: this.verifyMode === CERT_REQUIRED,
        ...(this.#alpn.length > 0 ? { ALPNProtocols: this.#alpn } : {}),
        ...(this.sniCallback !== null ? { SNICallback: this.#sniCallback(this.sniCallback) } : {}),
      });
    } else {
      const checkHostname = this.checkHostname;
      const name = options.serverHostname;
      tlsStream = nodeTls().connect({
        socket: stream,
        secureContext,
        rejectUnauthorized: verify,
        // `host` is what Node checks the certificate against; without it Node checks
        // 'localhost' whatever name was given. SNI carries names only, never IP literals.
        ...(name !== undefined ? { host: name } : {}),
        ...(name !== undefined && !isIpLiteral(name) ? { servername: name } : {}),
        ...(checkHostname ? {} : { checkServerIdentity: () => undefined }),
        ...(this.#alpn.length > 0 ? { ALPNProtocols: this.#alpn } : {}),
      });
    }
    return this.#handshake(sock, tlsStream, serverSide, options.serverHostname, {
      signal: options.signal,
      plainStream: stream,
    });
  }

  /**
   * Waits for the handshake. The stream flows meanwhile, so the end of a peer that gives up
   * is seen; bytes that arrive with the last handshake flight are kept and handed, in order,
   * to the new socket, which is made inside the 'secure' event so nothing comes in between.
   */
  #handshake(
    plain: Socket,
    tlsStream: TLSSocket,
    serverSide: boolean,
    serverHostname: string | undefined,
    abort: { signal: AbortSignal | undefined; plainStream: { destroy(): void } },
  ): Promise<SSLSocket> {
    const { signal, plainStream } = abort;
    const context = { op: 'handshake', net: 'tls' };
    return new Promise<SSLSocket>((resolve, reject) => {
      const early: Buffer[] = [];
      const onData = (chunk: Buffer): void => {
        early.push(chunk);
      };
      const cleanup = (): void => {
        tlsStream.off('data', onData);
        tlsStream.off('error', onError);
        tlsStream.off('end', onEnd);
        tlsStream.off('close', onEnd);
        tlsStream.off(serverSide ? 'secure' : 'secureConnect', onSecure);
        signal?.removeEventListener('abort', onAbort);
      };
      const onError = (err: Error): void => {
        cleanup();
        tlsStream.on('error', () => {});
        tlsStream.destroy();
        reject(toSSLError(err, context));
      };
      const onEnd = (): void => {
        cleanup();
        tlsStream.on('error', () => {});
        tlsStream.destroy();
        reject(
          new SSLError('ECONNRESET', {
            ...context,
            detail: 'connection closed during the TLS handshake',
          }),
        );
      };
      const onAbort = (): void => {
        cleanup();
        tlsStream.on('error', () => {});
        // Destroying the TLS stream alone may leave the plain one it wraps (and its descriptor).
        tlsStream.destroy();
        plainStream.destroy();
        const reason: unknown = signal?.reason;
        reject(
          reason instanceof Error
            ? reason
            : new SSLError('ECANCELED', { ...context, detail: 'TLS handshake aborted' }),
        );
      };
      const onSecure = (): void => {
        cleanup();
        tlsStream.pause();
        if (early.length > 0) tlsStream.unshift(Buffer.concat(early));
        resolve(new SSLSocket(plain, tlsStream, this, serverSide, serverHostname));
      };
      tlsStream.on('data', onData);
      tlsStream.once('error', onError);
      tlsStream.once('end', onEnd);
      tlsStream.once('close', onEnd);
      tlsStream.once(serverSide ? 'secure' : 'secureConnect', onSecure);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #sniCallback(choose: (name: string) => SSLContext | undefined) {
    return (name: string, done: (err: Error | null, ctx?: SecureContext) => void): void => {
      try {
        done(null, (choose(name) ?? this).secureContext());
      } catch (err) {
        done(err as Error);
      }
    };
  }
}

/**
 * A socket speaking TLS: every method of {@link Socket}, plus what the session negotiated.
 *
 * @example
 * tlsSock.version();               // 'TLSv1.3'
 * tlsSock.selectedAlpnProtocol();  // 'h2' or null
 */
export class SSLSocket extends Socket {
  /** The context that made it. */
  readonly context: SSLContext;
  /** Whether this is the server's end. */
  readonly serverSide: boolean;
  /** The name the client asked for (client side: the name given; server side: the SNI name). */
  readonly serverHostname: string | null;
  readonly #tls: TLSSocket;

  /** @internal Made by {@link SSLContext.wrapSocket}. */
  constructor(
    plain: Socket,
    tlsStream: TLSSocket,
    context: SSLContext,
    serverSide: boolean,
    serverHostname?: string,
  ) {
    super(plain.family, plain.type, plain.proto, adoptStream(tlsStream));
    this.settimeout(plain.gettimeout());
    this.#tls = tlsStream;
    this.context = context;
    this.serverSide = serverSide;
    const sni = (tlsStream as TLSSocket & { servername?: string | false }).servername;
    this.serverHostname = serverHostname ?? (typeof sni === 'string' ? sni : null);
  }

  /** The negotiated protocol version (`'TLSv1.3'`), as `SSLSocket.version()`. */
  version(): string | null {
    return this.#tls.getProtocol();
  }

  /** `[name, protocol, secretBits]` of the negotiated cipher, as Python's `cipher()`. */
  cipher(): [string, string, number] | null {
    const c = this.#tls.getCipher();
    if (!c) return null;
    const bits = /(\d+)/.exec(c.name.replace(/^TLS_/, '').replace(/SHA\d+$/, ''))?.[1];
    return [c.standardName ?? c.name, c.version, Number(bits ?? 0)];
  }

  /** The protocol ALPN chose, or null. */
  selectedAlpnProtocol(): string | null {
    const alpn = this.#tls.alpnProtocol;
    return typeof alpn === 'string' ? alpn : null;
  }

  /**
   * The peer's certificate: Node's parsed form, or its DER bytes with `binaryForm`; null when
   * the peer sent none.
   */
  getpeercert(binaryForm?: false): PeerCertificate | null;
  getpeercert(binaryForm: true): Buffer | null;
  getpeercert(binaryForm = false): PeerCertificate | Buffer | null {
    const cert = this.#tls.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return null;
    return binaryForm ? cert.raw : cert;
  }
}

/**
 * The seed's one-call client wrap, as Python 2's `socket.ssl()`: TLS without certificate checks,
 * for talking to a test server. Use an `SSLContext` for anything that must be secure.
 * @param sock a connected socket.
 * @param keyfile our key, when the server wants a client certificate.
 * @param certfile our certificate.
 * @example const tlsSock = await ssl(sock);
 */
export async function ssl(sock: Socket, keyfile?: string, certfile?: string): Promise<SSLSocket> {
  const context = new SSLContext(PROTOCOL_TLS_CLIENT);
  context.checkHostname = false;
  context.verifyMode = CERT_NONE;
  if (certfile !== undefined) context.loadCertChain(certfile, keyfile);
  return context.wrapSocket(sock);
}

/**
 * A client context that trusts Node's root certificates (and `cafile`/`cadata` if given) and
 * checks host names, as Python's `ssl.create_default_context()`.
 */
export function createDefaultContext(
  options: { cafile?: string; cadata?: string | Buffer } = {},
): SSLContext {
  const context = new SSLContext(PROTOCOL_TLS_CLIENT);
  if (options.cafile !== undefined || options.cadata !== undefined) {
    context.loadVerifyLocations(options.cafile, undefined, options.cadata);
  } else context.loadDefaultCerts();
  return context;
}

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SSLError((err as { code?: string }).code ?? 'EIO', {
      op: 'load',
      addr: path,
      cause: err,
    });
  }
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
