/**
 * Micro-benchmark of the HTTP/1.1 request parser: 100,000 pipelined small GET requests fed in
 * 64 KiB chunks; prints requests parsed per second as the median of 5 runs, and the same for
 * Node's own llhttp binding (the parser inside node:http) when this Node still exposes it.
 *
 * Run: node --import tsx bench/http/http-parser.ts
 */
import { RequestParser } from '../../dist/protocols/http/index.js';

const REQUESTS = 100_000;
const CHUNK = 64 * 1024;
const RUNS = 5;

const request =
  'GET /index.html?lang=en HTTP/1.1\r\n' +
  'Host: localhost:10080\r\n' +
  'User-Agent: bench/1.0\r\n' +
  'Accept: */*\r\n' +
  'Accept-Encoding: gzip, deflate\r\n' +
  'Connection: keep-alive\r\n\r\n';
const input = Buffer.from(request.repeat(REQUESTS), 'latin1');
const chunks: Buffer[] = [];
for (let at = 0; at < input.length; at += CHUNK) chunks.push(input.subarray(at, at + CHUNK));

/** Parses every chunk and returns requests per second. */
function polyportRun(): number {
  const start = process.hrtime.bigint();
  const parser = new RequestParser();
  let seen = 0;
  for (const chunk of chunks) {
    parser.receiveData(chunk);
    for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) {
      if (ev.type === 'request') seen++;
      else if (ev.type === 'error') throw new Error(ev.reason);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (seen !== REQUESTS) throw new Error(`parsed ${seen} of ${REQUESTS}`);
  return REQUESTS / seconds;
}

interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(data: Buffer): number | Error;
  [slot: number]: unknown;
}
interface LlhttpBinding {
  HTTPParser: { new (): LlhttpParser; REQUEST: number; kOnHeadersComplete: number };
}

/** The same run with node's llhttp binding, or `null` when it is not reachable. */
function llhttpRun(): number | null {
  let binding: LlhttpBinding;
  try {
    const legacy = process as unknown as { binding(name: string): LlhttpBinding };
    process.noDeprecation = true;
    binding = legacy.binding('http_parser');
  } catch {
    return null;
  }
  const { HTTPParser } = binding;
  const start = process.hrtime.bigint();
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {});
  let seen = 0;
  parser[HTTPParser.kOnHeadersComplete] = () => {
    seen++;
    return 0;
  };
  for (const chunk of chunks) {
    const result = parser.execute(chunk);
    if (result instanceof Error) throw result;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (seen !== REQUESTS) throw new Error(`llhttp parsed ${seen} of ${REQUESTS}`);
  return REQUESTS / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(run: () => number | null): number | null {
  run(); // warm-up, so the JIT has compiled the hot paths before we time them
  const results: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = run();
    if (r === null) return null;
    results.push(r);
  }
  return median(results);
}

const ours = measure(polyportRun)!;
const reference = measure(llhttpRun);
const fmt = (n: number): string => `${Math.round(n).toLocaleString('en-US')} req/s`;
console.log(`polyport RequestParser: ${fmt(ours)} (median of ${RUNS}, ${REQUESTS} pipelined GETs)`);
if (reference === null) {
  console.log('llhttp binding not reachable: no reference ratio');
} else {
  const ratio = (ours / reference).toFixed(2);
  console.log(`node llhttp binding:    ${fmt(reference)}  ratio ${ratio}x`);
}
