#!/usr/bin/env node
/**
 * The `polyport` executable: runs {@link main} with the process's arguments and streams.
 * Whatever goes wrong, the user sees one line, never a stack trace (`POLYPORT_DEBUG=1` shows
 * it), and an exit code from {@link EXIT}.
 */
import type { CliIO } from '../protocols/common/cli-command.js';
import { enableCompileCache } from './compile-cache.js';

// The built executable is bundled with linked source maps (scripts/bundle-cli.mjs): with them on,
// a POLYPORT_DEBUG stack trace names src/ lines. Node maps only the files it loads after this,
// hence the dynamic imports below; and only then, as reading the maps costs start-up time.
if (process.env.POLYPORT_DEBUG === '1') process.setSourceMapsEnabled(true);
// Before the command's modules load, so they are compiled from (and kept in) the cache.
await enableCompileCache();
const [{ main }, { crash, exitOnClosedOutput }] = await Promise.all([
  import('./main.js'),
  import('./output-closed.js'),
]);

let interrupted: Promise<void> | null = null;
const io: CliIO = {
  // Read on first use: making stdin's stream costs start-up time, and most commands never read it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
  // Installed only for commands that ask: a SIGINT listener stops Node's default exit on Ctrl-C.
  get interrupted() {
    interrupted ??= new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    return interrupted;
  },
};

// `polyport http URL | head`: once the reader has gone, stop at once and say nothing, as curl.
exitOnClosedOutput(process.stdout, process.stderr);
exitOnClosedOutput(process.stderr, null);

// Only while nothing else listens: `serve` installs its own safety net, which logs and serves on.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    if (process.listenerCount(event) === 1) crash(err);
  });
}

main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Commands close what they open; anything left (a stray timer) must not keep us alive.
  setImmediate(() => process.exit(code));
}, crash);
