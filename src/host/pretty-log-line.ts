/**
 * The human-readable log line: `15:17:31 INFO  ftp      connection opened peer=…`, made straight
 * from a log call's fields, or from a JSON line pino wrote.
 */

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
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
/** Keys pino adds or the line shows in its own place. */
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);
const NEEDS_QUOTES = /[\s"=]/;
/**
 * The field holding a record's own conventional line, made by its protocol: HTTP's Combined Log
 * Format line. The line for people shows it in place of the message and fields, as nginx's access
 * log does: it says the same, with no quoting to read past, in half the bytes (the log of a busy
 * server is mostly these lines). The JSON line keeps every field.
 */
const OWN_LINE = 'line';

/** What one line is made of. */
export interface PrettyRecord {
  /** pino's level number (30 for `info`). */
  readonly level: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly service?: unknown;
  readonly msg?: unknown;
  /** Further fields, written `key=value` in order; `level`, `time`, `msg`… among them are skipped. */
  readonly fields: readonly Readonly<Record<string, unknown>>[];
}

/**
 * Formats one line (with its newline). A record whose fields carry its own conventional line
 * (`line`: an access log line) is shown as that line after the time, level and service.
 * @param record the level, time, service, message and fields.
 * @param color whether to colour the level.
 * @returns `15:17:31 INFO  http     request status=200 …\n`.
 * @example
 * prettyRecord({ level: 30, time: Date.now(), service: 'http', msg: 'request', fields: [{ status: 200 }] }, false);
 */
export function prettyRecord(record: PrettyRecord, color: boolean): string {
  let line = headOf(record.time, record.level, record.service, color);
  for (const fields of record.fields) {
    const own = fields[OWN_LINE];
    if (typeof own === 'string') return `${line} ${own}\n`;
  }
  line += ` ${record.msg === undefined || record.msg === null ? '' : String(record.msg)}`;
  for (const fields of record.fields) {
    for (const key in fields) {
      if (OMIT.has(key)) continue;
      const text = formatValue(fields[key]);
      if (text !== undefined) line += ` ${key}=${text}`;
    }
  }
  return `${line}\n`;
}

/**
 * Formats one JSON line as pino writes it.
 * @param line the JSON text.
 * @param color whether to colour the level.
 * @returns the line for people, or `line` itself when it is not JSON.
 * @example prettyLine('{"level":30,"time":0,"msg":"hi"}'); // '00:00:00 INFO  hi\n'
 */
export function prettyLine(line: string, color = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  return prettyRecord(
    {
      level: Number(record.level),
      time: Number(record.time),
      service: record.service,
      msg: record.msg,
      fields: [record],
    },
    color,
  );
}

/**
 * A line's head: `HH:MM:SS LEVEL service ` (time in UTC). Under load every line of a second
 * shares a few heads (one per level and service), so each is made once a second rather than
 * pieced together once a line.
 */
let headSecond = Number.NaN;
const heads = new Map<string, string>();
function headOf(ms: number, level: number, service: unknown, color: boolean): string {
  const second = Math.floor(ms / 1000);
  if (second !== headSecond) {
    headSecond = second;
    heads.clear();
  }
  const named = typeof service === 'string';
  const key = `${level}${color ? 'c' : ''}${named ? ` ${service}` : ''}`;
  let head = heads.get(key);
  if (head === undefined) {
    const date = new Date(ms);
    const clock = Number.isNaN(date.getTime()) ? 'Invalid' : date.toISOString().slice(11, 19);
    const name = LEVEL_NAMES[level] ?? String(level).padEnd(5);
    head = `${clock} ${color ? `${COLORS[level] ?? ''}${name}\x1b[0m` : name}`;
    if (named) head += ` ${service.padEnd(8)}`;
    heads.set(key, head);
  }
  return head;
}

/** A value as the line shows it, or `undefined` for what JSON would leave out. */
function formatValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value === '' || NEEDS_QUOTES.test(value) ? JSON.stringify(value) : value;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'bigint':
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      const err = value as { message?: unknown; toJSON?: unknown };
      if (typeof err.message === 'string') return JSON.stringify(err.message);
      // A Date, a URL: shown as their JSON text, as the JSON line would hold them.
      if (typeof err.toJSON === 'function') return formatValue(err.toJSON());
      try {
        return JSON.stringify(value);
      } catch {
        return '"[unserializable]"';
      }
    }
    default:
      return undefined;
  }
}
