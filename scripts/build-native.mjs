/**
 * Builds polyport's native addon (native/datagram_batch.cc: batched UDP I/O) with node-gyp,
 * against the headers of the Node running this script. npm runs it on install.
 *
 * The addon is an accelerator, not a requirement: when it cannot be built (no compiler, no
 * headers), the install still succeeds, this prints why, and datagram sockets use node:dgram's
 * own path. `npm run build:native` runs it again by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** npm's own node-gyp (npm names it for its scripts), or one installed beside this Node. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const beside = join(
    dirname(process.execPath),
    '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  );
  if (existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

/** The running Node's own headers, when it has them: no download needed (or possible). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : null;
}

const gyp = nodeGyp();
if (gyp === null) {
  console.warn('polyport: node-gyp not found; datagram sockets will use node:dgram alone');
  process.exit(0);
}
const dir = nodeDir();
const args = [gyp, 'rebuild', '--loglevel=warn', ...(dir ? [`--nodedir=${dir}`] : [])];
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (result.status !== 0) {
  console.warn(
    'polyport: the native datagram addon did not build (see above); datagram sockets will use node:dgram alone',
  );
}
