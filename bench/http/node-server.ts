/**
 * The reference: node:http doing the same as polyport-server.ts — `/hello` answered from memory,
 * other paths served from the directory in argv[2] with stat + a read stream, Content-Length,
 * Last-Modified and a content type, as a plain Node static server does.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const root = process.argv[2] ?? '.';
const hello = Buffer.from('Hello, World!\n');
const server = createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/__cpu') {
    const { user, system } = process.cpuUsage();
    res.end(String(user + system));
    return;
  }
  if (path === '/hello') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': hello.length });
    res.end(hello);
    return;
  }
  const file = join(root, normalize(decodeURIComponent(path)));
  try {
    const info = await stat(file);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': info.size,
      'Last-Modified': info.mtime.toUTCString(),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
