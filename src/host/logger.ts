/**
 * The host's logger: pino underneath (JSON lines with `--log-format json`), and a compact
 * human-readable line on a terminal.
 */
import { type Logger as PinoLogger, pino } from 'pino';

/** The logger type every host part uses (pino's). */
export type Logger = PinoLogger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** `pretty` (default) or `json`. */
  readonly format?: 'pretty' | 'json';
  /** The lowest level written (default `info`). */
  readonly level?: string;
  /** Where lines go (default standard error, so standard output stays for the service list). */
  readonly destination?: { write(line: string): unknown };
  /** Colour the level names (default: when the destination is a terminal). */
  readonly color?: boolean;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Record<number, string> = {
  20: '\x1b[90m',
  30: '\x1b[36m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[35m',
};
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/**
 * Formats one pino JSON line for people: `15:17:31 INFO  ftp  connection opened peer=…`.
 * @param line the JSON text pino wrote.
 * @param color whether to colour the level.
 */
export function prettyLine(line: string, color = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = Number(record.level);
  const time = new Date(Number(record.time)).toISOString().slice(11, 19);
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const levelText = color ? `${COLORS[level] ?? ''}${name}\x1b[0m` : name;
  const service = typeof record.service === 'string' ? ` ${record.service.padEnd(8)}` : '';
  const fields = Object.entries(record)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  return `${time} ${levelText}${service} ${String(record.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object') {
    const err = value as { message?: unknown; type?: unknown };
    if (typeof err.message === 'string') return JSON.stringify(err.message);
    return JSON.stringify(value);
  }
  return String(value);
}

/**
 * Creates the host's logger.
 * @example const log = createLogger({ format: 'json', level: 'debug' }); log.info({ port }, 'listening');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const color = options.color ?? (destination === process.stderr && process.stderr.isTTY === true);
  const stream =
    options.format === 'json'
      ? { write: (line: string) => destination.write(line) }
      : { write: (line: string) => destination.write(prettyLine(line, color)) };
  return pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.epochTime,
      serializers: { err: pino.stdSerializers.err },
    },
    stream,
  );
}
