/**
 * `/metrics` as a Prometheus server scrapes it: curl gets the admin listener's text after real
 * traffic (curl over HTTP and FTP, dig over UDP and TCP), a small parser of the text format
 * reads it, and the test checks each family's name, type, HELP and labels, and that the
 * counters and the request-duration histogram counted exactly that traffic.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Host, serve, VERSION } from '../../src/host/index.js';
import { REQUEST_DURATION_BUCKETS } from '../../src/host/metrics.js';
import { Zone, ZoneSet } from '../../src/protocols/dns/index.js';
import { runClient } from '../interop/run-client.js';
import { startLive } from '../protocols/dns/live-server.js';
import { memoryLogger, portOf, testConfig } from '../support/host.js';
import { needs } from '../support/interop.js';

/** One sample line: `name{label="value",…} value`. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its HELP and TYPE lines and its samples. */
interface Family {
  help: string | undefined;
  type: string | undefined;
  readonly samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/** The labels between the braces, values unescaped (`\\`, `\"`, `\n`). */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    assert.ok(match, `bad labels in ${JSON.stringify(line)}`);
    const [, name = '', raw = ''] = match;
    assert.equal(labels[name], undefined, `label ${name} twice in ${JSON.stringify(line)}`);
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/**
 * Parses the text exposition format (version 0.0.4) strictly enough for a test: every line is
 * a comment, blank, or a sample of a family whose TYPE came before it (a histogram's samples
 * are its `_bucket`, `_sum` and `_count`); a family is declared once.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { help: undefined, type: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment !== null) {
      const [, what, name = '', rest = ''] = comment;
      const f = family(name);
      if (what === 'HELP') {
        assert.equal(f.help, undefined, `HELP of ${name} twice`);
        f.help = rest;
      } else {
        assert.equal(f.type, undefined, `TYPE of ${name} twice`);
        assert.equal(f.samples.length, 0, `TYPE of ${name} after its samples`);
        f.type = rest;
      }
      continue;
    }
    assert.ok(!line.startsWith('#'), `unknown comment ${JSON.stringify(line)}`);
    const match = SAMPLE.exec(line);
    assert.ok(match, `bad sample line ${JSON.stringify(line)}`);
    const [, name = '', labels = '', value = ''] = match;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const owner =
      families.get(name)?.type !== undefined
        ? name
        : families.get(base)?.type === 'histogram'
          ? base
          : undefined;
    assert.ok(owner, `sample ${name} before its TYPE`);
    // Go's float syntax, as Prometheus reads it: `+Inf`, and NaN in any case (prom-client: `Nan`).
    const parsed = /^nan$/i.test(value) ? Number.NaN : Number(value.replace(/inf$/i, 'Infinity'));
    assert.ok(
      /^nan$/i.test(value) || !Number.isNaN(parsed),
      `bad value in ${JSON.stringify(line)}`,
    );
    family(owner).samples.push({ name, labels: parseLabels(labels, line), value: parsed });
  }
  return families;
}

/** The value of the one sample `name` with exactly these labels; 0 when there is none yet. */
function sampleValue(
  families: Map<string, Family>,
  family: string,
  name: string,
  labels: Record<string, string>,
): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = (families.get(family)?.samples ?? []).filter(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted,
  );
  assert.ok(found.length <= 1, `${name} ${wanted} twice`);
  return found[0]?.value ?? 0;
}

/** Every polyport family: its type and the label names of its samples. */
const POLYPORT_FAMILIES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['polyport_open_connections', 'gauge', ['service', 'transport']],
  ['polyport_connections_total', 'counter', ['service']],
  ['polyport_connections_refused_total', 'counter', ['service']],
  ['polyport_received_bytes_total', 'counter', ['service', 'transport']],
  ['polyport_sent_bytes_total', 'counter', ['service', 'transport']],
  ['polyport_requests_total', 'counter', ['service']],
  ['polyport_errors_total', 'counter', ['service']],
  ['polyport_uncaught_errors_total', 'counter', []],
  ['polyport_build_info', 'gauge', ['version', 'node']],
  ['polyport_accelerator_active', 'gauge', ['name']],
  ['polyport_start_time_seconds', 'gauge', []],
  ['polyport_request_duration_seconds', 'histogram', ['service']],
];

/** curl's `/metrics` from the admin listener: the Content-Type and the parsed text. */
async function scrape(host: Host): Promise<{ type: string; families: Map<string, Family> }> {
  const url = `http://127.0.0.1:${portOf(host, 'admin')}/metrics`;
  const run = await runClient('curl', ['-sS', '--max-time', '10', '-w', '\n%{content_type}', url]);
  assert.equal(run.code, 0, run.output);
  const split = run.stdout.lastIndexOf('\n');
  return {
    type: run.stdout.slice(split + 1),
    families: parseExposition(run.stdout.slice(0, split)),
  };
}

/** dig's query and answer sizes for one query, over UDP or (`tcp`) TCP. */
async function dig(
  port: number,
  tcp: boolean,
  name = 'www.example.test',
): Promise<{ query: number; answer: number }> {
  const args = ['@127.0.0.1', '-p', String(port), '+qr', '+tries=1', '+time=5'];
  const run = await runClient('dig', [...args, ...(tcp ? ['+tcp'] : []), name, 'A']);
  assert.equal(run.code, 0, run.output);
  assert.match(run.stdout, /status: NOERROR/);
  return {
    query: Number(/^;; QUERY SIZE: (\d+)$/m.exec(run.stdout)?.[1]),
    answer: Number(/^;; MSG SIZE {2}rcvd: (\d+)$/m.exec(run.stdout)?.[1]),
  };
}

/** Waits until `count` connections of `service` have closed after the event `sinceId`. */
async function closed(host: Host, service: string, count: number, sinceId: number): Promise<void> {
  const closes = () => host.capture.list({ service, kind: 'close', sinceId });
  while (closes().length < count) {
    const newest = Math.max(sinceId, ...closes().map((e) => e.id));
    await host.waitFor((e) => e.service === service && e.kind === 'close', {
      sinceId: newest,
      timeout: 10_000,
    });
  }
}

test(
  'the admin /metrics names every polyport metric as Prometheus does, and counts curl and dig traffic exactly',
  needs('curl', 'dig'),
  async () => {
    const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
    try {
      const before = (await scrape(host)).families;
      const since = host.capture.lastId;
      const http = `http://127.0.0.1:${portOf(host, 'http')}`;
      for (const path of ['/', '/about.html', '/missing']) {
        const run = await runClient('curl', [
          '-sS',
          '--max-time',
          '10',
          '-o',
          '/dev/null',
          http + path,
        ]);
        assert.equal(run.code, 0, run.output);
      }
      const ftp = `ftp://127.0.0.1:${portOf(host, 'ftp')}/pub/64k.txt`;
      const download = await runClient('curl', ['-sS', '--max-time', '10', '-u', 'demo:demo', ftp]);
      assert.equal(download.code, 0, download.output);
      const file = readFileSync(join(host.config.dataDir, 'ftp', 'pub', '64k.txt'), 'latin1');
      assert.equal(download.stdout, file);
      const udp = await dig(portOf(host, 'dns', 'udp'), false);
      const tcp = await dig(portOf(host, 'dns'), true);
      // Bytes of a connection are counted when it closes, after the client has its answer.
      await closed(host, 'http', 3, since);
      await closed(host, 'ftp', 1, since);
      await closed(host, 'dns', 1, since);

      const { type, families: after } = await scrape(host);
      assert.equal(type, 'text/plain; version=0.0.4; charset=utf-8');
      for (const [name, kind, labelNames] of POLYPORT_FAMILIES) {
        const family = after.get(name);
        assert.ok(family, `${name} is served`);
        assert.equal(family.type, kind, `${name}'s TYPE`);
        assert.ok((family.help ?? '').length > 10, `${name} has a HELP text`);
        assert.ok(family.samples.length > 0, `${name} has samples`);
        if (kind === 'counter') assert.match(name, /_total$/);
        for (const sample of family.samples) {
          const expected = sample.name.endsWith('_bucket') ? [...labelNames, 'le'] : labelNames;
          assert.deepEqual(Object.keys(sample.labels).sort(), [...expected].sort(), sample.name);
        }
      }
      const polyport = [...after.keys()].filter((name) => name.startsWith('polyport_'));
      assert.deepEqual(polyport.sort(), POLYPORT_FAMILIES.map(([name]) => name).sort());
      // prom-client's default metrics, of this host's registry.
      assert.equal(after.get('process_cpu_user_seconds_total')?.type, 'counter');
      assert.equal(after.get('process_start_time_seconds')?.type, 'gauge');
      assert.equal(after.get('nodejs_heap_size_total_bytes')?.type, 'gauge');
      assert.equal(after.get('nodejs_eventloop_lag_seconds')?.type, 'gauge');

      const delta = (family: string, labels: Record<string, string>, name = family): number =>
        sampleValue(after, family, name, labels) - sampleValue(before, family, name, labels);
      const service = (s: string) => ({ service: s });
      assert.equal(delta('polyport_requests_total', service('http')), 3);
      assert.equal(delta('polyport_connections_total', service('http')), 3);
      assert.equal(
        sampleValue(after, 'polyport_open_connections', 'polyport_open_connections', {
          service: 'http',
          transport: 'tcp',
        }),
        0,
      );
      assert.ok(delta('polyport_received_bytes_total', { service: 'http', transport: 'tcp' }) > 0);
      assert.ok(delta('polyport_sent_bytes_total', { service: 'http', transport: 'tcp' }) > 0);
      // FTP's data connection is TCP too: the file's bytes are in FTP's TCP count.
      assert.ok(
        delta('polyport_sent_bytes_total', { service: 'ftp', transport: 'tcp' }) > file.length,
      );
      // DNS over each transport, to the byte dig reports (TCP adds its 2-byte length prefix).
      assert.equal(delta('polyport_requests_total', service('dns')), 2);
      assert.equal(
        delta('polyport_received_bytes_total', { service: 'dns', transport: 'udp' }),
        udp.query,
      );
      assert.equal(
        delta('polyport_sent_bytes_total', { service: 'dns', transport: 'udp' }),
        udp.answer,
      );
      assert.equal(
        delta('polyport_received_bytes_total', { service: 'dns', transport: 'tcp' }),
        tcp.query + 2,
      );
      assert.equal(
        delta('polyport_sent_bytes_total', { service: 'dns', transport: 'tcp' }),
        tcp.answer + 2,
      );
      // Services without UDP have no UDP series.
      assert.equal(
        after
          .get('polyport_sent_bytes_total')
          ?.samples.some((s) => s.labels.service === 'http' && s.labels.transport === 'udp'),
        false,
      );

      // The histogram counted each HTTP request and the FTP transfer once, cumulatively.
      const histogram = 'polyport_request_duration_seconds';
      for (const [s, requests] of [
        ['http', 3],
        ['ftp', 1],
      ] as const) {
        const count = delta(histogram, service(s), `${histogram}_count`);
        assert.equal(count, requests, `${s}'s histogram count`);
        const buckets = after
          .get(histogram)
          ?.samples.filter((x) => x.name === `${histogram}_bucket` && x.labels.service === s);
        assert.deepEqual(
          buckets?.map((b) => b.labels.le),
          [...REQUEST_DURATION_BUCKETS.map(String), '+Inf'],
        );
        const values = buckets?.map((b) => b.value) ?? [];
        assert.ok(
          values.every((v, i) => i === 0 || v >= (values[i - 1] ?? 0)),
          `${s}: cumulative`,
        );
        assert.equal(
          values.at(-1),
          sampleValue(after, histogram, `${histogram}_count`, service(s)),
        );
        assert.ok(sampleValue(after, histogram, `${histogram}_sum`, service(s)) >= 0);
      }
      // Zone answers are not timed (they take no measurable time): DNS has no histogram series.
      assert.equal(
        after.get(histogram)?.samples.some((x) => x.labels.service === 'dns'),
        false,
      );

      assert.equal(
        sampleValue(after, 'polyport_build_info', 'polyport_build_info', {
          version: VERSION,
          node: process.version,
        }),
        1,
      );
      assert.equal(
        sampleValue(after, 'polyport_start_time_seconds', 'polyport_start_time_seconds', {}),
        host.startedAt / 1000,
      );
      assert.equal(
        sampleValue(after, 'polyport_uncaught_errors_total', 'polyport_uncaught_errors_total', {}),
        0,
      );
    } finally {
      await host.stop(500);
    }
  },
);

test('two hosts in one process keep their own metrics, and both serve the process metrics', async () => {
  const a = await serve({ config: testConfig(), logger: memoryLogger().logger });
  const b = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const { request } = await import('../../src/protocols/http/index.js');
    const page = await request(`http://127.0.0.1:${portOf(a, 'http')}/`);
    assert.equal(page.status, 200);
    await page.text();
    await a.waitFor((e) => e.service === 'http' && e.kind === 'request');
    const requests = (text: string): number =>
      sampleValue(parseExposition(text), 'polyport_requests_total', 'polyport_requests_total', {
        service: 'http',
      });
    const [textA, textB] = [await a.metrics(), await b.metrics()];
    assert.equal(requests(textA), 1);
    assert.equal(requests(textB), 0);
    for (const text of [textA, textB]) {
      assert.match(text, /^# TYPE process_resident_memory_bytes gauge$/m);
      assert.match(text, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
    }
  } finally {
    await Promise.all([a.stop(500), b.stop(500)]);
  }
});

test('the public site serves the same metrics at /server-status/metrics while on loopback', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const { request } = await import('../../src/protocols/http/index.js');
    const response = await request(
      `http://127.0.0.1:${portOf(host, 'http')}/server-status/metrics`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const families = parseExposition(await response.text());
    assert.equal(families.get('polyport_requests_total')?.type, 'counter');
    assert.equal(families.get('polyport_request_duration_seconds')?.type, 'histogram');
  } finally {
    await host.stop(500);
  }
});

test(
  'a DNS query forwarded upstream is timed in the histogram, a zone answer is not',
  needs('dig'),
  async () => {
    const upstream = await startLive({
      zones: new ZoneSet([
        Zone.fromText('@ 60 SOA ns h 1 2 3 4 60\n@ 60 NS ns\nns 60 A 127.0.0.1\n', {
          origin: 'upstream.test',
        }),
      ]),
    });
    const [address, port] = upstream.address;
    const host = await serve({
      config: testConfig([`dns.forwarders=${address}:${port}`]),
      logger: memoryLogger().logger,
    });
    try {
      const dns = portOf(host, 'dns', 'udp');
      await dig(dns, false, 'www.example.test');
      await dig(dns, false, 'ns.upstream.test');
      assert.equal(upstream.queries.length, 1, 'one query went upstream');
      const forwarded = await host.waitFor(
        (e) => e.kind === 'query' && e.name === 'ns.upstream.test',
      );
      assert.equal(typeof forwarded.duration, 'number');
      const zone = await host.waitFor((e) => e.kind === 'query' && e.name === 'www.example.test');
      assert.equal(zone.duration, undefined);
      const families = parseExposition(await host.metrics());
      const histogram = 'polyport_request_duration_seconds';
      const dnsCount = sampleValue(families, histogram, `${histogram}_count`, { service: 'dns' });
      assert.equal(dnsCount, 1);
      assert.equal(
        sampleValue(families, 'polyport_requests_total', 'polyport_requests_total', {
          service: 'dns',
        }),
        2,
      );
    } finally {
      await host.stop(500);
      await upstream.stop();
    }
  },
);
