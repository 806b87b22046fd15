/**
 * The host's logger: pino underneath (JSON lines with `--log-format json`), and a compact
 * human-readable line by default. Lines to standard error go through a {@link logSink}: the
 * caller pays for making the line, and one write carries many lines.
 */
import { format } from 'node:util';
import { type Logger as PinoLogger, pino } from 'pino';
import { logSink } from './log-sink.js';
import { prettyRecord } from './pretty-log-line.js';

export { flushLogs } from './log-sink.js';
export { prettyLine } from './pretty-log-line.js';

/** The logger type every host part uses (pino's). */
export type Logger = PinoLogger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** `pretty` (default) or `json`. */
  readonly format?: 'pretty' | 'json';
  /** The lowest level written (default `info`). */
  readonly level?: string;
  /**
   * Where lines go (default standard error, so standard output stays for the service list).
   * `process.stderr` and `process.stdout` are written in batches; any other destination gets
   * each line at once, in its own `write()` call.
   */
  readonly destination?: { write(line: string): unknown };
  /** Colour the level names (default: when the destination is a terminal). */
  readonly color?: boolean;
}

/**
 * Creates the host's logger.
 * @example const log = createLogger({ format: 'json', level: 'debug' }); log.info({ port }, 'listening');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const color = options.color ?? (destination === process.stderr && process.stderr.isTTY === true);
  const fd = destination === process.stderr ? 2 : destination === process.stdout ? 1 : null;
  const sink = fd === null ? destination : logSink(fd);
  const settings = {
    level: options.level ?? 'info',
    base: null,
    timestamp: pino.stdTimeFunctions.epochTime,
    serializers: { err: pino.stdSerializers.err },
  };
  if (options.format === 'json') return pino(settings, { write: (line) => sink.write(line) });
  return pino(
    {
      ...settings,
      // The line is made from the call's own arguments: pino has already decided the level is
      // on, and nothing is turned into JSON only to be parsed back.
      hooks: {
        logMethod(args, _method, level) {
          sink.write(prettyCall(this, args, level, color));
        },
      },
    },
    // Never written to: the hook above writes every line.
    { write: () => undefined },
  );
}

/** A child logger's bindings (`{ service: 'http' }`), read once per child. */
const bindingsOf = new WeakMap<object, Readonly<Record<string, unknown>>>();

/** The line for `logger.info(fields?, message?, ...values)`, read as pino reads those arguments. */
function prettyCall(logger: Logger, args: unknown[], level: number, color: boolean): string {
  let bindings = bindingsOf.get(logger);
  if (bindings === undefined) {
    bindings = logger.bindings();
    bindingsOf.set(logger, bindings);
  }
  const first = args[0];
  let fields: Readonly<Record<string, unknown>> = {};
  let message: unknown;
  let values = 1;
  if (typeof first === 'object' && first !== null) {
    fields = first instanceof Error ? { err: first } : (first as Record<string, unknown>);
    message = args[1];
    values = 2;
    message ??= fields.msg ?? (fields.err as { message?: unknown } | undefined)?.message;
  } else {
    message = first;
  }
  if (typeof message === 'string' && args.length > values) {
    message = format(message, ...args.slice(values));
  }
  return prettyRecord(
    {
      level,
      time: Date.now(),
      service: bindings.service,
      msg: message,
      fields: [bindings, fields],
    },
    color,
  );
}
