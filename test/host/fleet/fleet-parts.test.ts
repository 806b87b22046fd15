/**
 * The pieces `serve --workers` puts together, each on its own: events adopted from a worker,
 * rules adopted with their ids and seeds, the fleet's rule list over its workers, the status of
 * every worker added up, and the `workers` config value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHub } from '../../../src/host/capture/event-hub.js';
import { workerCountType } from '../../../src/host/config/value-types.js';
import { FaultBook } from '../../../src/host/faults/fault-book.js';
import type { FaultRule } from '../../../src/host/faults/fault-rule.js';
import { FleetFaults } from '../../../src/host/fleet/fleet-faults.js';
import type { ToWorker } from '../../../src/host/fleet/fleet-messages.js';
import { fleetMetrics, fleetSnapshot } from '../../../src/host/fleet/fleet-status.js';
import { workerConfig } from '../../../src/host/fleet/fleet-worker.js';
import { HostMetrics } from '../../../src/host/metrics.js';
import { ServiceStats } from '../../../src/host/service-stats.js';
import type { StatusSnapshot } from '../../../src/host/status-page.js';
import { renderStatusHtml, renderStatusJson } from '../../../src/host/status-page.js';
import { testConfig } from '../../support/host.js';

test('an adopted event keeps its time and fields, gets the next id here, and the extra fields', () => {
  const worker = new EventHub(10, () => 1000);
  const main = new EventHub(10, () => 5000);
  main.record('http', 'open', '127.0.0.1:1');
  const event = worker.record('dns', 'query', '127.0.0.1:2', { name: 'a.test', rcode: 'NOERROR' });
  assert.ok(event);
  const adopted = main.adopt(event, { worker: 2 });
  assert.deepEqual(adopted, {
    id: 2,
    time: 1000,
    service: 'dns',
    kind: 'query',
    peer: '127.0.0.1:2',
    name: 'a.test',
    rcode: 'NOERROR',
    worker: 2,
  });
  assert.deepEqual(
    main.list({ service: 'dns' }).map((e) => e.id),
    [2],
  );
});

test('a rule adopted from another book keeps its id and seed, so both draw the same faults', () => {
  const services = ['dns'];
  const main = new FaultBook(services);
  const rule = main.add({
    service: 'dns',
    action: { rcode: 'SERVFAIL' },
    probability: 0.5,
    seed: 42,
  });
  const a = new FaultBook(services);
  const b = new FaultBook(services);
  assert.equal(a.adopt(rule).id, rule.id);
  b.adopt(rule);
  const facts = { peer: '127.0.0.1:1', name: 'x.test', type: 'A' };
  const draws = (book: FaultBook) =>
    Array.from({ length: 20 }, () => book.pick('dns', facts) !== undefined);
  assert.deepEqual(draws(a), draws(b));
  // A rule added here after an adopted one takes the next id, never the adopted one's.
  assert.equal(a.add({ service: 'dns', action: { rcode: 'REFUSED' } }).id, 'f2');
});

test("the fleet's rules reach every worker, and the listing adds up each worker's counts", async () => {
  const sent: ToWorker[] = [];
  const lists: FaultRule[][] = [];
  const faults = new FleetFaults(['dns', 'smtp'], {
    send: (message) => sent.push(message),
    lists: async () => lists,
  });
  const rule = faults.add({ service: 'dns', action: { rcode: 'SERVFAIL' } });
  assert.deepEqual(sent, [{ type: 'fault-add', rule }]);
  lists.push([{ ...rule, matched: 3, fired: 2 }], [{ ...rule, matched: 4, fired: 4 }]);
  assert.deepEqual(
    (await faults.list()).map((r) => [r.id, r.matched, r.fired]),
    [[rule.id, 7, 6]],
  );
  faults.useConfig([{ service: 'smtp', action: { reply: '451 try later' } }]);
  const fromConfig = faults.rules().at(-1)!;
  faults.useConfig([]);
  assert.deepEqual(sent.slice(-2), [
    { type: 'fault-add', rule: fromConfig },
    { type: 'fault-remove', id: fromConfig.id },
  ]);
  assert.equal(faults.remove('f99'), false);
  faults.clear();
  assert.deepEqual(sent.at(-1), { type: 'fault-remove', id: null });
  assert.deepEqual(faults.rules(), []);
});

function snapshot(services: ServiceStats[], extra: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    version: '0.1.0',
    node: process.version,
    startedAt: 0,
    now: 60_000,
    services,
    listeners: [],
    accelerators: [],
    uncaughtErrors: 0,
    ...extra,
  };
}

function stats(name: string, requests: number, connectionsNow: number): ServiceStats {
  const s = new ServiceStats(name, name);
  s.requests = requests;
  s.connectionsNow = connectionsNow;
  s.bytesIn = requests * 10;
  return s;
}

test("the fleet's status adds up every worker's counters per service and lists the workers", () => {
  const listener = {
    service: 'http',
    protocol: 'http',
    transport: 'tcp',
    address: '127.0.0.1',
    port: 80,
  } as const;
  const table = [
    { id: 1, pid: 11, ready: true, startedAt: 0, restarts: 0, connectionsNow: 1, requests: 5 },
    { id: 2, pid: 12, ready: false, startedAt: 0, restarts: 1, connectionsNow: 0, requests: 0 },
  ];
  const merged = fleetSnapshot(
    snapshot([stats('admin', 2, 1)], { uncaughtErrors: 1 }),
    [
      snapshot([stats('http', 5, 1), stats('dns', 7, 0)], {
        listeners: [listener],
        uncaughtErrors: 2,
      }),
      null,
      snapshot([stats('http', 3, 2)]),
    ],
    table,
  );
  assert.deepEqual(
    merged.services.map((s) => [s.name, s.requests, s.connectionsNow, s.bytesIn]),
    [
      ['admin', 2, 1, 20],
      ['http', 8, 3, 80],
      ['dns', 7, 0, 70],
    ],
  );
  assert.deepEqual(merged.listeners, [listener]);
  assert.equal(merged.uncaughtErrors, 3);
  assert.deepEqual(renderStatusJson(merged).workers, table);
  assert.match(
    renderStatusHtml(merged),
    /2 worker processes[\s\S]*<td>2<\/td><td>12<\/td><td>starting<\/td>/,
  );
  // One process alone: no workers' table.
  assert.equal(renderStatusJson(snapshot([])).workers, undefined);
  assert.doesNotMatch(renderStatusHtml(snapshot([])), /worker processes/);
});

test('metrics of several processes stay apart by their worker label', async () => {
  const one = new HostMetrics(() => snapshot([stats('http', 5, 0)]));
  const two = new HostMetrics(() => snapshot([stats('http', 3, 0)]));
  const text = await fleetMetrics([
    await one.json({ worker: '1' }),
    await two.json({ worker: '2' }),
  ]);
  assert.match(text, /^polyport_requests_total\{service="http",worker="1"\} 5$/m);
  assert.match(text, /^polyport_requests_total\{service="http",worker="2"\} 3$/m);
});

test('a worker serves without the admin listener or config faults, and keeps its own capture ring', () => {
  const config = testConfig(['capture.events=50']);
  const worker = workerConfig({
    ...config,
    faults: [{ service: 'dns', action: { rcode: 'SERVFAIL' } }],
  });
  assert.equal(worker.admin.enabled, false);
  assert.equal(worker.capture.events, 50);
  assert.deepEqual(worker.faults, []);
  assert.equal(worker.http.port, config.http.port);
});

test('workers is a count from 1 or "auto", from TOML and from --set', () => {
  const type = workerCountType(256);
  assert.equal(type.fromText('auto'), 'auto');
  assert.equal(type.fromText('4'), 4);
  assert.equal(type.fromToml('auto'), 'auto');
  assert.equal(type.fromToml(2), 2);
  for (const bad of ['0', '257', 'many', '1.5']) assert.equal(type.fromText(bad), undefined, bad);
  assert.equal(type.fromToml('all'), undefined);
  assert.equal(type.toToml('auto'), 'auto');
  assert.equal(type.toToml(3), 3);
});
