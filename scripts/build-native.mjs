/**
 * Builds polyport's native addons with node-gyp, against the headers of the Node running this
 * script: native/datagram_batch.cc (batched UDP I/O, an accelerator), native/reuse_port.cc
 * (SO_REUSEPORT sockets on Nodes before 22.12, whose net and dgram lack the option) and
 * native/fd_socket.cc (the socket kinds Node cannot open: raw and ICMP sockets, AF_UNIX
 * datagram and seqpacket sockets, sendmsg/recvmsg with ancillary data). npm runs it on install.
 *
 * Neither is a requirement: when they cannot be built (no compiler, no headers), the install
 * still succeeds, this prints why, datagram sockets use node:dgram's own path, on Node 20
 * `SO_REUSEPORT` (`serve --workers`) fails with ENOPROTOOPT saying so, and the kinds fd_socket
 * opens fail at socket() saying so. `npm run build:native` runs it again by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** What a build that did not happen costs, for the warning. */
const WITHOUT =
  'datagram sockets will use node:dgram alone, SO_REUSEPORT needs Node.js 22.12 or later, and raw, ICMP, AF_UNIX datagram and seqpacket sockets (and polyport ping) are unavailable';

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
  console.warn(`polyport: node-gyp not found; ${WITHOUT}`);
  process.exit(0);
}
const dir = nodeDir();
const args = [gyp, 'rebuild', '--loglevel=warn', ...(dir ? [`--nodedir=${dir}`] : [])];
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (result.status !== 0) {
  console.warn(`polyport: the native addons did not build (see above); ${WITHOUT}`);
}
