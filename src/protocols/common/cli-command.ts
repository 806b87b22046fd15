/**
 * The contract between a protocol's command-line pieces and `src/cli/`, which only registers
 * them: each command parses its own arguments (with `node:util`'s `parseArgs`), prints `--help`,
 * and returns an exit code that scripts can rely on.
 */
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_PORT_OFFSET } from './port-offset.js';
import { suggest } from './suggest.js';

/**
 * Where a command writes (its stdout, its stderr): the part of a `Writable` commands use, so
 * that the executable can write small outputs without making Node's stream
 * (cli/process-output.ts). Any `Writable` is one.
 */
export interface CliOutput {
  write(chunk: string | Uint8Array, callback?: (err?: Error | null) => void): boolean;
  /** For 'drain' (after a write returned false) and 'error'. */
  once(event: 'drain' | 'error', listener: (err?: Error) => void): unknown;
  on(event: 'drain' | 'error', listener: (err?: Error) => void): unknown;
  off(event: 'drain' | 'error', listener: (err?: Error) => void): unknown;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  /** As on `process.stdout`: whether it is a terminal. */
  readonly isTTY?: boolean;
  /** Node's stream behind an output that is not one itself (see {@link outputStream}). */
  readonly stream?: Writable;
}

/**
 * The output as a Node stream, for what needs one (a pipeline, a logger): its `stream` if it
 * has one, else the output itself, which then is a `Writable`.
 * @param out a command's stdout or stderr.
 * @returns the stream.
 * @example await pipeline(source, outputStream(io.stdout), { end: false });
 */
export function outputStream(out: CliOutput): Writable {
  return out.stream ?? (out as Writable);
}

/** The streams a command talks through (injected so tests can capture them). */
export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Whether stdout is a terminal (progress bars, colour). */
  readonly isTTY: boolean;
  /** Resolves when the user asks to stop (SIGINT); long-running commands race against it. */
  readonly interrupted: Promise<void>;
  /**
   * Where `polyport serve` listens when run with the config this command line names
   * (`--config FILE`, `--set KEY=VALUE`, `POLYPORT_PORT_OFFSET`), by service name (`finger`,
   * `dns`, `smtp`, `pop3`, `ftp`) and well-known port (79 for finger); absent or `undefined`:
   * polyport's defaults. Read it through {@link localServer}.
   */
  readonly localServers?: (service: string, wellKnownPort: number) => LocalServer | undefined;
}

/** A local polyport service's address: what a client command talks to without a host. */
export interface LocalServer {
  /** An address to connect to (a wildcard listener is reached over loopback). */
  readonly host: string;
  /** The port. */
  readonly port: number;
}

/**
 * Where a client command finds the local `polyport serve` service `service` when the user
 * names no server: the config's address and port if the command line gave one, else
 * `127.0.0.1` and the service's default port (its well-known port plus the default
 * `portOffset`).
 * @param io the command's streams (carrying the config's servers).
 * @param service the service's config table (`finger`, `dns`, `smtp`, `pop3`, `ftp`).
 * @param wellKnownPort the service's well-known port (`79` for finger).
 * @returns the host and port.
 * @example const { host, port } = localServer(io, 'finger', 79); // port 10079 by default
 */
export function localServer(io: CliIO, service: string, wellKnownPort: number): LocalServer {
  return (
    io.localServers?.(service, wellKnownPort) ?? {
      host: '127.0.0.1',
      port: wellKnownPort + DEFAULT_PORT_OFFSET,
    }
  );
}

/** Exit codes shared by every command. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** The operation failed (a refused connection, a server error reply, a missing file). */
  FAILURE: 1,
  /** The command line was wrong (unknown option, missing argument). */
  USAGE: 2,
} as const;

/** One `polyport` subcommand. */
export interface CliCommand {
  /** The word after `polyport` (`dig`, `ftp`, `serve`). */
  readonly name: string;
  /** One line for `polyport --help`. */
  readonly summary: string;
  /** The full text of `polyport NAME --help`: usage, options, examples. */
  readonly help: string;
  /**
   * Runs the command.
   * @param argv the arguments after the command name.
   * @returns the exit code (see {@link EXIT}).
   */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

/**
 * Reports a bad command line the way every command does — `polyport NAME: message` and a hint
 * to `--help` on stderr — and gives the exit code to return. An unknown option gets a
 * did-you-mean from the options `help` names, as an unknown config key does.
 * @param io the command's streams.
 * @param name the command (`dig`, `ftp`).
 * @param problem what was wrong: an error from `parseArgs`, or a message.
 * @param help the command's `--help` text, whose `--long` options are the candidates.
 * @returns {@link EXIT.USAGE}.
 * @example catch (err) { return usageError(io, 'dig', err, HELP); }
 */
export function usageError(io: CliIO, name: string, problem: unknown, help = ''): number {
  let message = problem instanceof Error ? problem.message : String(problem);
  // parseArgs says "Unknown option '--outptu'. To specify a positional argument starting
  // with a '-', ...": the first sentence is the part worth a line.
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown !== null) {
    const option = unknown[1]!;
    const near = option.startsWith('--')
      ? suggest(option, new Set(help.match(/--[a-z][a-z0-9-]*/gi) ?? []))
      : undefined;
    message = `unknown option '${option}'${near === undefined ? '' : ` (did you mean ${near}?)`}`;
  }
  io.stderr.write(`polyport ${name}: ${message}\nTry 'polyport ${name} --help'.\n`);
  return EXIT.USAGE;
}
