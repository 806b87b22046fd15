import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONFIG_KEYS,
  SERVICES,
  schemaReference,
  USER_KEYS,
} from '../../../src/host/config/index.js';

test('schemaReference() documents every key of the schema', () => {
  const doc = schemaReference();
  const service = new Set(SERVICES.map((s) => s.name));
  for (const key of CONFIG_KEYS.keys()) {
    const [table = '', ...rest] = key.split('.');
    const shown =
      service.has(table) && !doc.includes(`\`${key}\``) ? `<service>.${rest.join('.')}` : key;
    assert.ok(doc.includes(`\`${shown}\``), key);
  }
  for (const { key } of USER_KEYS) assert.ok(doc.includes(`\`users.${key}\``), key);
});

test('schemaReference() lists each service with its default port', () => {
  const doc = schemaReference();
  assert.match(doc, /\| `http` \| HTTP\/1\.1 \(RFC 9112\) \| 80 \+ portOffset \(10080\) \| no \|/);
  assert.match(doc, /\| `admin` \| .* \| 1 \+ portOffset \(10001\) \| no \|/);
  assert.match(doc, /\| `dns` \| .* \| yes \|/);
});

test('schemaReference() renders well-formed Markdown tables', () => {
  for (const line of schemaReference()
    .split('\n')
    .filter((l) => l.startsWith('|'))) {
    // Escaped pipes are content; the others separate cells.
    const cells = line.replaceAll('\\|', '').split('|').length - 2;
    assert.ok(cells === 4 || cells === 5, line);
  }
});

test('every schema key has a doc string and a type that accepts its own default', () => {
  for (const [key, spec] of CONFIG_KEYS) {
    assert.ok(spec.doc.length > 10, key);
    const d = spec.default;
    if (d !== undefined && !(typeof d === 'object' && d !== null && 'derive' in d)) {
      assert.deepEqual(spec.type.fromToml(spec.type.toToml(d)), d, key);
    }
  }
});
