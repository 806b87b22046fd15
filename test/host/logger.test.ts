import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger, prettyLine } from '../../src/host/index.js';

/** The same calls, in the order a host makes them and in the shapes pino accepts. */
function someCalls(logger: Logger): void {
  const http = logger.child({ service: 'http' });
  http.info({
    msg: 'request',
    line: '127.0.0.1 - - [06/Dec/2026:13:20:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"',
    status: 200,
    method: 'GET',
    path: '/',
    bytes: 5,
    peer: '127.0.0.1:5000',
    duration: 0,
  });
  http.debug({ peer: '127.0.0.1:5000', in: 9, out: 187, ms: 4 }, 'connection closed');
  logger.info('plain %s and %d', 'text', 7);
  logger.warn(new Error('thrown'));
  logger.error({ err: new Error('bad thing'), kind: 'uncaughtException' }, 'uncaught error');
  logger.info({ nested: { list: [1, 2] }, when: new Date(0), empty: '', gone: undefined }, 'misc');
  logger.info({ signal: 'SIGTERM', grace: 10 }, 'stopping');
}

test('a pretty line is the JSON line of the same call, formatted by prettyLine(), with or without colour', () => {
  for (const color of [false, true]) {
    const pretty: string[] = [];
    const json: string[] = [];
    const options = { level: 'debug', color } as const;
    someCalls(createLogger({ ...options, destination: { write: (l: string) => pretty.push(l) } }));
    someCalls(
      createLogger({ ...options, format: 'json', destination: { write: (l) => json.push(l) } }),
    );
    assert.equal(pretty.length, 7);
    // The clock may tick between the two runs: compare past the time.
    const strip = (line: string) => line.slice(9);
    assert.deepEqual(
      pretty.map(strip),
      json.map((line) => strip(prettyLine(line, color))),
    );
    assert.equal(
      pretty.some((l) => l.includes('\x1b[')),
      color,
    );
  }
  assert.match(
    prettyLine('{"level":30,"time":0,"service":"dns","msg":"query","name":"a b"}'),
    /^00:00:00 INFO {2}dns {6}query name="a b"\n$/,
  );
});

test('lines of one second at several levels, services and colours each get their own head', () => {
  const lines = [
    '{"level":30,"time":5000,"service":"http","msg":"a"}',
    '{"level":40,"time":5000,"service":"http","msg":"b"}',
    '{"level":30,"time":5000,"service":"dns","msg":"c"}',
    '{"level":30,"time":5000,"msg":"d"}',
    '{"level":30,"time":5999,"service":"http","msg":"e"}',
    '{"level":30,"time":6000,"service":"http","msg":"f"}',
  ].map((line) => prettyLine(line));
  assert.deepEqual(lines, [
    '00:00:05 INFO  http     a\n',
    '00:00:05 WARN  http     b\n',
    '00:00:05 INFO  dns      c\n',
    '00:00:05 INFO  d\n',
    '00:00:05 INFO  http     e\n',
    '00:00:06 INFO  http     f\n',
  ]);
  assert.equal(
    prettyLine('{"level":30,"time":5000,"service":"http","msg":"a"}', true),
    '00:00:05 \x1b[36mINFO \x1b[0m http     a\n',
  );
});

test("a record carrying its own conventional line (HTTP's access log line) is shown as that line, its other fields left to the JSON format", () => {
  const access = '127.0.0.1 - - [01/Jan/1970:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-"';
  const pretty: string[] = [];
  const json: string[] = [];
  const fields = { msg: 'request', line: access, status: 200, peer: '127.0.0.1:5000' };
  createLogger({ destination: { write: (l: string) => pretty.push(l) } })
    .child({ service: 'http' })
    .info(fields);
  createLogger({ format: 'json', destination: { write: (l: string) => json.push(l) } })
    .child({ service: 'http' })
    .info(fields);
  assert.equal(pretty[0]?.slice(8), ` INFO  http     ${access}\n`);
  assert.equal(prettyLine(json[0] ?? '').slice(8), ` INFO  http     ${access}\n`);
  assert.deepEqual(
    { ...JSON.parse(json[0] ?? '{}'), time: 0 },
    { level: 30, time: 0, service: 'http', ...fields },
  );
});

const LOGGER = new URL('../../src/host/logger.ts', import.meta.url).href;

/** Runs `body` in a child whose logger writes to its standard error; returns what it wrote. */
function child(body: string): { status: number | null; lines: string[] } {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};
const log = createLogger();
for (let i = 0; i < 1000; i++) log.info({ i }, 'line');
${body}`;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return {
    status: run.status,
    lines: run.stderr.split('\n').filter((l) => / line i=\d+$/.test(l)),
  };
}

test('lines still held for the batch are written when the process exits at once', () => {
  const { status, lines } = child('process.exit(3);');
  assert.equal(status, 3);
  assert.equal(lines.length, 1000);
  assert.match(lines[999] ?? '', / INFO {2}line i=999$/);
});

test('lines still held for the batch are written when an uncaught exception ends the process', () => {
  const { status, lines } = child("throw new Error('crash');");
  assert.equal(status, 1);
  assert.equal(lines.length, 1000);
});

test('lines that find the ring full wait as text, and all follow in order once the reader reads again', async () => {
  // 100,000 lines of some 110 bytes: far more than the pipe and the writer's 4 MiB ring hold
  // while nobody reads, so later lines wait as text until the exit flush.
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};
const log = createLogger();
const pad = 'x'.repeat(80);
for (let i = 0; i < 100000; i++) log.info({ i, pad }, 'line');
process.exit(0);`;
  const run = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  run.stderr.pause();
  await sleep(1500);
  const chunks: Buffer[] = [];
  run.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  run.stderr.resume(); // paused by hand: a 'data' listener alone does not resume it
  const status = await new Promise<number | null>((resolve) => run.on('close', resolve));
  assert.equal(status, 0);
  const lines = Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((line) => / line i=\d+ pad=x+$/.test(line));
  assert.equal(lines.length, 100_000);
  const outOfOrder = lines.findIndex((line, i) => !line.includes(` line i=${i} `));
  assert.equal(outOfOrder, -1, lines[outOfOrder]);
});
