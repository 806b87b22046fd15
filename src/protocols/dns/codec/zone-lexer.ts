/**
 * Splits master-file text into entries (RFC 1035 §5.1): one per logical line, where parentheses
 * continue an entry across lines, `;` starts a comment, and quotes keep spaces in a token.
 */
import { ZoneSyntaxError } from './errors.js';

/** One token of an entry: its raw text (escapes kept) and whether it was quoted. */
export interface ZoneToken {
  readonly text: string;
  readonly quoted: boolean;
}

/** One logical line of a master file. */
export interface ZoneEntry {
  /** 1-based line where the entry starts. */
  readonly line: number;
  /** The line began with white space: the owner is the previous entry's. */
  readonly blankOwner: boolean;
  readonly tokens: readonly ZoneToken[];
}

/**
 * Tokenises master-file text. Backslash escapes are kept in the token text (names and strings
 * interpret them differently); a quoted token loses its quotes.
 *
 * @param text the file's text.
 * @param file the file name for error messages.
 * @returns the non-empty entries in order.
 * @throws {ZoneSyntaxError} for an unterminated quote, unbalanced parentheses or a trailing
 * backslash.
 * @example
 * lexZone('www  300 IN A 127.0.0.1 ; web\n')[0]?.tokens.length; // 5
 */
export function lexZone(text: string, file?: string): ZoneEntry[] {
  const entries: ZoneEntry[] = [];
  let line = 1;
  let depth = 0;
  let tokens: ZoneToken[] = [];
  let entryLine = 1;
  let blankOwner = false;
  let atLineStart = true;
  const fail = (message: string): never => {
    throw new ZoneSyntaxError(message, line, file);
  };
  const endEntry = (): void => {
    if (tokens.length > 0) entries.push({ line: entryLine, blankOwner, tokens });
    tokens = [];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      if (depth === 0) {
        endEntry();
        atLineStart = true;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (atLineStart && depth === 0 && tokens.length === 0) {
        blankOwner = true;
        entryLine = line;
      }
      atLineStart = false;
      i++;
      continue;
    }
    if (atLineStart) {
      blankOwner = false;
      entryLine = line;
      atLineStart = false;
    }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) fail('unbalanced )');
      depth--;
      i++;
      continue;
    }
    if (tokens.length === 0) entryLine = line;
    if (c === '"') {
      let raw = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail('unterminated quoted string');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\') {
          if (i + 1 >= text.length) fail('backslash at end of input');
          raw += d + text[i + 1]!;
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        raw += d;
        i++;
      }
      i++;
      tokens.push({ text: raw, quoted: true });
      continue;
    }
    let raw = '';
    while (i < text.length) {
      const d = text[i]!;
      if (
        d === ' ' ||
        d === '\t' ||
        d === '\r' ||
        d === '\n' ||
        d === ';' ||
        d === '(' ||
        d === ')' ||
        d === '"'
      )
        break;
      if (d === '\\') {
        if (i + 1 >= text.length || text[i + 1] === '\n') fail('backslash at end of line');
        raw += d + text[i + 1]!;
        i += 2;
        continue;
      }
      raw += d;
      i++;
    }
    tokens.push({ text: raw, quoted: false });
  }
  if (depth > 0) fail('unbalanced ( at end of input');
  endEntry();
  return entries;
}
