/**
 * The error a bad config stops with: every problem found, not only the first, each a ready
 * message of the form `config: http.port = "eighty": expected an integer from 0 to 65535`.
 */

/** What kind of problem an issue is, for callers that react to some differently. */
export type ConfigIssueKind =
  | 'syntax'
  | 'unknown-key'
  | 'invalid-value'
  | 'missing-key'
  | 'bad-override'
  | 'conflict';

/**
 * One problem found while loading a config.
 *
 * @example
 * // { kind: 'unknown-key', key: 'http.prot', suggestion: 'http.port',
 * //   message: 'config: unknown key http.prot (did you mean http.port?)' }
 */
export interface ConfigIssue {
  readonly kind: ConfigIssueKind;
  /** The dotted key concerned (`http.port`, `users[1].name`), or `''` for a syntax error. */
  readonly key: string;
  /** The full message, starting with `config: `. */
  readonly message: string;
  /** For a syntax error: the file, and where in it (1-based). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** For a syntax error: the offending lines with a caret under the column. */
  readonly excerpt?: string;
  /** For an unknown key: the nearest known key. */
  readonly suggestion?: string;
}

/**
 * Thrown by `effectiveConfig()` and `loadConfig()` when the config is not valid. `message` holds
 * every issue, one a line, ready to print; `issues` holds them as data.
 *
 * @example
 * try {
 *   effectiveConfig({ http: { port: 'eighty' } });
 * } catch (err) {
 *   if (err instanceof ConfigError) console.error(err.message);
 *   // config: http.port = "eighty": expected an integer from 0 to 65535
 * }
 */
export class ConfigError extends Error {
  /** A stable code, as polyport's other errors have. */
  readonly code = 'ECONFIG';
  readonly issues: readonly ConfigIssue[];

  /**
   * @param issues The problems found; at least one.
   */
  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => issue.message).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
