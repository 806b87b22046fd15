/**
 * Fault rules: checked as written (the three rules of the docs verbatim), matched by step,
 * bounded by `times`, and repeatable under a seeded `probability`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FaultBook,
  FaultRuleError,
  matchesFault,
  parseFaultRule,
} from '../../../src/host/index.js';

const SERVICES = ['smtp', 'dns', 'http', 'https', 'ftp', 'pop3', 'finger'];
const peer = '127.0.0.1:40000';

test('the documented rules are taken as written', () => {
  const book = new FaultBook(SERVICES);
  const rules = [
    '{"service":"smtp","match":{"command":"RCPT"},"action":{"reply":"451 4.3.0 try again later"},"times":1}',
    '{"service":"dns","match":{"name":"flaky.example.test"},"action":{"rcode":"SERVFAIL"}}',
    '{"service":"http","match":{"path":"/p1.txt"},"action":{"status":503}}',
  ].map((text) => book.add(JSON.parse(text)));
  assert.deepEqual(
    rules.map((r) => r.id),
    ['f1', 'f2', 'f3'],
  );
  assert.deepEqual(book.pick('smtp', { peer, command: 'RCPT' }), {
    reply: '451 4.3.0 try again later',
  });
  assert.equal(book.pick('smtp', { peer, command: 'RCPT' }), undefined, 'times: 1');
  assert.equal(book.pick('smtp', { peer, command: 'MAIL' }), undefined);
  assert.deepEqual(book.pick('dns', { peer, name: 'Flaky.Example.Test.', type: 'A' }), {
    rcode: 'SERVFAIL',
  });
  assert.deepEqual(book.pick('http', { peer, method: 'GET', path: '/p1.txt' }), { status: 503 });
  assert.equal(book.pick('http', { peer, method: 'GET', path: '/p2.txt' }), undefined);
  assert.deepEqual(
    book.list().map((r) => [r.id, r.matched, r.fired]),
    [
      ['f1', 1, 1],
      ['f2', 1, 1],
      ['f3', 1, 1],
    ],
  );
});

test('bad rules fail at once with one line that says why', () => {
  const bad: [unknown, RegExp][] = [
    [{ service: 'gopher', action: { delay: 1 } }, /service must be one of/],
    [
      { service: 'finger', action: { disconnect: true } },
      /service must be one of smtp, dns, http, https, ftp, pop3; got "finger"/,
    ],
    [{ service: 'smtp', action: { rcode: 'SERVFAIL' } }, /smtp takes the actions/],
    [{ service: 'smtp', action: { reply: 'try later' } }, /starts with a code/],
    [{ service: 'pop3', action: { reply: '451 no' } }, /"\+OK" or "-ERR"/],
    [{ service: 'dns', action: { rcode: 'MAYBE' } }, /rcode is one of/],
    [{ service: 'http', action: { status: 42 } }, /status is 100 to 599/],
    [{ service: 'http', match: { url: '/' }, action: { status: 500 } }, /unknown match key "url"/],
    [{ service: 'http', action: {} }, /at least one key/],
    [{ service: 'http', action: { status: 500 }, times: 0 }, /times is an integer >= 1/],
    [{ service: 'http', action: { status: 500 }, probability: 2 }, /probability/],
    [{ service: 'http', action: { dribble: { bytes: 0, everyMs: 5 } } }, /dribble/],
  ];
  for (const [rule, why] of bad) {
    assert.throws(
      () => parseFaultRule(rule, SERVICES),
      (err: Error) => {
        assert.ok(err instanceof FaultRuleError);
        assert.match(err.message, why);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  }
});

test('matching: names without case or trailing dot and by *. suffix, paths by prefix*, peers with or without port', () => {
  assert.ok(matchesFault({ name: '*.example.test' }, { peer, name: 'a.b.example.test.' }));
  assert.ok(!matchesFault({ name: '*.example.test' }, { peer, name: 'example.test' }));
  assert.ok(matchesFault({ path: '/api/*' }, { peer, path: '/api/users' }));
  assert.ok(!matchesFault({ path: '/api' }, { peer, path: '/api/users' }));
  assert.ok(matchesFault({ peer: '127.0.0.1' }, { peer }));
  assert.ok(matchesFault({ peer: '::1' }, { peer: '[::1]:5000' }));
  assert.ok(!matchesFault({ command: 'RCPT' }, { peer }), 'a step without the fact does not match');
});

test('a probability with a seed faults the same steps on every run', () => {
  const run = (seed: number): boolean[] => {
    const book = new FaultBook(SERVICES);
    book.add({ service: 'dns', action: { drop: true }, probability: 0.3, seed });
    return Array.from({ length: 200 }, () => book.pick('dns', { peer }) !== undefined);
  };
  const first = run(7);
  assert.deepEqual(run(7), first);
  assert.notDeepEqual(run(8), first);
  const fired = first.filter(Boolean).length;
  assert.ok(fired > 20 && fired < 120, `about 30% of 200 fired: ${fired}`);
  const book = new FaultBook(SERVICES);
  const rule = book.add({ service: 'dns', action: { drop: true }, probability: 0.5 });
  assert.equal(typeof rule.seed, 'number', 'a seed is chosen and shown so the run can be repeated');
});

test('remove and clear; each fault fired is reported with its step', () => {
  const fired: string[] = [];
  const book = new FaultBook(SERVICES, (rule, facts) => fired.push(`${rule.id} ${facts.command}`));
  const a = book.add({ service: 'pop3', match: { command: 'RETR' }, action: { disconnect: true } });
  book.add({ service: 'ftp', action: { reply: '425 no data connection' } });
  book.pick('pop3', { peer, command: 'RETR' });
  assert.deepEqual(fired, [`${a.id} RETR`]);
  assert.equal(book.remove(a.id), true);
  assert.equal(book.remove(a.id), false);
  assert.equal(book.pick('pop3', { peer, command: 'RETR' }), undefined);
  book.clear();
  assert.deepEqual(book.list(), []);
});
