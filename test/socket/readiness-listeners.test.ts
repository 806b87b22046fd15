import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReadinessListeners, type ReadinessObserver } from '../../src/socket/readiness.js';

describe('ReadinessListeners', () => {
  test('notify() calls every listener in the order added, one or many', () => {
    const listeners = new ReadinessListeners();
    const calls: string[] = [];
    listeners.notify();
    listeners.push(() => calls.push('a'));
    listeners.notify();
    listeners.add(() => calls.push('b'));
    listeners.notify();
    assert.deepEqual(calls, ['a', 'a', 'b']);
    assert.equal(listeners.size, 2);
  });

  test('remove() takes off the last copy of a listener, and the remover of add() does the same', () => {
    const listeners = new ReadinessListeners();
    let a = 0;
    let b = 0;
    const first = (): void => void a++;
    const second = (): void => void b++;
    listeners.push(first);
    const stop = listeners.add(second);
    listeners.push(first);
    listeners.remove(first);
    listeners.notify();
    assert.deepEqual([a, b], [1, 1]);
    stop();
    listeners.notify();
    assert.deepEqual([a, b], [2, 1]);
    listeners.remove(first);
    listeners.remove(first);
    listeners.notify();
    assert.deepEqual([a, b, listeners.size], [2, 1, 0]);
  });

  test('a listener that removes itself while notified does not stop the others', () => {
    const listeners = new ReadinessListeners();
    const calls: string[] = [];
    const once = (): void => {
      calls.push('once');
      listeners.remove(once);
    };
    listeners.push(once);
    listeners.push(() => calls.push('always'));
    listeners.notify();
    listeners.notify();
    assert.deepEqual(calls, ['once', 'always', 'always']);
  });

  test('an observer is told through readinessChanged(), alone or beside functions, until removed', () => {
    const listeners = new ReadinessListeners();
    const calls: string[] = [];
    const observer: ReadinessObserver = { readinessChanged: () => calls.push('observer') };
    listeners.push(observer);
    listeners.notify();
    listeners.push(() => calls.push('function'));
    listeners.notify();
    listeners.remove(observer);
    listeners.notify();
    assert.deepEqual(calls, ['observer', 'observer', 'function', 'function']);
    assert.equal(listeners.size, 1);
  });
});
