/**
 * Reads a password from a terminal without echoing it, as `passwd` and `ssh-keygen` do.
 */
import type { Readable } from 'node:stream';
import type { CliOutput } from '../protocols/common/cli-command.js';

/** A terminal's input: a readable with raw mode (Node's `tty.ReadStream`). */
export interface TerminalInput extends Readable {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** How {@link readSecret} ended without a line: Ctrl-C, or Ctrl-D / end of input. */
export class SecretAborted extends Error {
  /**
   * @param reason `'interrupted'` (Ctrl-C) or `'end'` (Ctrl-D on an empty line, or input ended).
   */
  constructor(readonly reason: 'interrupted' | 'end') {
    super(reason === 'interrupted' ? 'interrupted' : 'no password given');
    this.name = 'SecretAborted';
  }
}

/**
 * Prints `prompt` on `output`, then reads one line from the terminal `input` in raw mode, so
 * nothing typed is shown; Backspace edits, Enter ends the line. Raw mode is switched off again
 * whatever happens.
 * @param input the terminal (`process.stdin` when `isTTY`).
 * @param output where the prompt goes (`process.stderr`, so stdout keeps only the result).
 * @param prompt the text before the cursor (`'Password: '`).
 * @returns the line, without its ending.
 * @throws {SecretAborted} on Ctrl-C, or Ctrl-D / end of input before Enter.
 * @throws {TypeError} when `input` has no raw mode (not a terminal).
 * @example const password = await readSecret(process.stdin, process.stderr, 'Password: ');
 */
export async function readSecret(
  input: TerminalInput,
  output: CliOutput,
  prompt: string,
): Promise<string> {
  if (typeof input.setRawMode !== 'function') {
    throw new TypeError('readSecret: input is not a terminal');
  }
  input.setRawMode(true);
  output.write(prompt);
  let line = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const finish = (result: string | SecretAborted): void => {
        input.off('data', onData);
        input.off('end', onEnd);
        input.pause();
        output.write('\n');
        if (result instanceof SecretAborted) reject(result);
        else resolve(result);
      };
      const onEnd = (): void => finish(new SecretAborted('end'));
      const onData = (chunk: Buffer | string): void => {
        const chars = [...(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))];
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i]!;
          if (ch === '\r' || ch === '\n') {
            // What was typed ahead belongs to the next prompt.
            const rest = chars
              .slice(i + 1)
              .join('')
              .replace(/^\n/, '');
            finish(line);
            // After finish() paused the stream, so the chunk waits for the next reader.
            if (rest !== '') input.unshift(Buffer.from(rest, 'utf8'));
            return;
          }
          if (ch === '\x03') {
            finish(new SecretAborted('interrupted'));
            return;
          }
          if (ch === '\x04') {
            if (line === '') {
              finish(new SecretAborted('end'));
              return;
            }
          } else if (ch === '\x7f' || ch === '\b') {
            line = [...line].slice(0, -1).join('');
          } else if (ch === '\x15') {
            line = ''; // Ctrl-U: erase the line, as a terminal's line editing does
          } else if (ch >= ' ') {
            line += ch;
          }
        }
      };
      input.on('data', onData);
      input.once('end', onEnd);
      input.resume();
    });
  } finally {
    input.setRawMode(false);
  }
}
