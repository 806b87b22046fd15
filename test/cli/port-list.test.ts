import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_PORT_LIST_ENTRIES, parsePortList } from '../../src/cli/port-list.js';

test('parsePortList() expands ranges and single ports in the order written', () => {
  assert.deepEqual(parsePortList('20-22,80'), [20, 21, 22, 80]);
  assert.deepEqual(parsePortList(' 443 , 8000-8001 '), [443, 8000, 8001]);
});

test('parsePortList() scans a port named twice only once, where it first appears', () => {
  assert.deepEqual(parsePortList('80,79-81,80'), [80, 79, 81]);
});

test('parsePortList() accepts every port, 1-65535, as one list', () => {
  const ports = parsePortList('1-65535');
  assert.equal(ports.length, MAX_PORT_LIST_ENTRIES);
  assert.equal(ports[0], 1);
  assert.equal(ports.at(-1), 65535);
});

test('parsePortList() refuses a list naming more than 65535 ports, even with repeats', () => {
  assert.throws(() => parsePortList('1-65535,1'), {
    name: 'RangeError',
    message: /more than 65535 ports/,
  });
  assert.throws(() => parsePortList('1-65535,1-65535'), RangeError);
});

test('parsePortList() refuses port 0, ports over 65535 and backward ranges', () => {
  assert.throws(() => parsePortList('0'), { name: 'RangeError', message: /port 0 is outside/ });
  assert.throws(() => parsePortList('1-100000'), { name: 'RangeError', message: /100000/ });
  assert.throws(() => parsePortList('90-80'), { name: 'RangeError', message: /ends before/ });
});

test('parsePortList() refuses text that is not ports or ranges, with a SyntaxError', () => {
  for (const bad of ['', 'http', '80,', ',80', '1-', '-5', '1-2-3', '8 0', '0x50', '+80', '1e3']) {
    assert.throws(() => parsePortList(bad), SyntaxError, bad);
  }
});

test('parsePortList() either returns distinct ports in 1-65535 or throws a RangeError or SyntaxError, for any text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789,- x') }), (text) => {
      try {
        const ports = parsePortList(text);
        assert.ok(ports.length >= 1 && ports.length <= MAX_PORT_LIST_ENTRIES);
        assert.equal(new Set(ports).size, ports.length);
        for (const port of ports) assert.ok(Number.isInteger(port) && port >= 1 && port <= 65535);
      } catch (err) {
        assert.ok(err instanceof RangeError || err instanceof SyntaxError, String(err));
      }
    }),
    { numRuns: 2000 },
  );
});

test('parsePortList() lists exactly the ports of the ranges it was given', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 20 })), {
        minLength: 1,
        maxLength: 10,
      }),
      (ranges) => {
        const items = ranges.map(([low, span]) => {
          const high = Math.min(65535, low + span);
          return high === low ? `${low}` : `${low}-${high}`;
        });
        const expected = new Set<number>();
        for (const [low, span] of ranges) {
          for (let p = low; p <= Math.min(65535, low + span); p++) expected.add(p);
        }
        assert.deepEqual(new Set(parsePortList(items.join(','))), expected);
      },
    ),
  );
});
