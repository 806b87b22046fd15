import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OptionList } from '../../src/socket/option-list.js';

describe('OptionList', () => {
  test('get() returns what set() stored last for a key, and undefined for a key never set', () => {
    const options = new OptionList('6:1', 1);
    options.set('1:9', 0);
    options.set('6:1', 0);
    assert.equal(options.get('6:1'), 0);
    assert.equal(options.get('1:9'), 0);
    assert.equal(options.get('1:2'), undefined);
  });

  test('iterating gives each key once, with its last value, in the order first stored', () => {
    const linger = Buffer.alloc(8);
    const options = new OptionList('1:13', linger);
    options.set('6:1', 1);
    options.set('1:13', 5);
    assert.deepEqual(
      [...options],
      [
        ['1:13', 5],
        ['6:1', 1],
      ],
    );
  });

  test('a third and later options are kept beside the first two, each replaceable', () => {
    const options = new OptionList('6:1', 1);
    options.set('1:9', 1);
    options.set('1:7', 4096);
    options.set('1:8', 8192);
    options.set('1:7', 1024);
    assert.equal(options.get('1:7'), 1024);
    assert.equal(options.get('1:8'), 8192);
    assert.deepEqual(
      [...options].map(([key]) => key),
      ['6:1', '1:9', '1:7', '1:8'],
    );
  });

  test('of() hands every socket storing the same one number the same list, and with() copies it before a change', () => {
    const a = OptionList.of('6:1', 1);
    const b = OptionList.of('6:1', 1);
    assert.equal(a, b);
    const changed = b.with('6:1', 0);
    const more = b.with('1:9', 1);
    assert.deepEqual([...a], [['6:1', 1]]);
    assert.deepEqual([...changed], [['6:1', 0]]);
    assert.deepEqual(
      [...more],
      [
        ['6:1', 1],
        ['1:9', 1],
      ],
    );
    assert.equal(more.with('1:9', 0), more, 'a list of its own is changed in place');
    assert.equal(more.get('1:9'), 0);
    assert.throws(() => a.set('6:1', 0), TypeError);
  });

  test('of() gives bytes a list of their own', () => {
    const linger = Buffer.alloc(8);
    assert.notEqual(OptionList.of('1:13', linger), OptionList.of('1:13', linger));
  });
});
