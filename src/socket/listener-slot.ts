/**
 * Listener slots: the readiness listeners of one watched thing kept as a single value, so that a
 * socket holds them in a field of its own instead of in an object beside it.
 */
import type { AnyReadinessListener } from './readiness.js';

/**
 * The listeners of one watched thing as a single value: none (`null`), the one listener as it
 * is, or an array from the second on. Almost everything watched has 0 or 1 listener (its
 * dispatcher, or one pending call), so the usual case costs no object at all: a socket keeps
 * this value in a field of its own, and `ReadinessListeners` wraps it for the others.
 * Notifying must cost next to nothing, and an idle server holds thousands of these.
 * @example
 * let slot: ListenerSlot = null;
 * slot = withListener(slot, () => console.log('readiness may have changed'));
 * notifyListeners(slot);
 */
export type ListenerSlot = AnyReadinessListener | AnyReadinessListener[] | null;

/**
 * Adds a listener to a slot.
 * @returns the slot to keep (an array is added to in place).
 * @example slot = withListener(slot, listener);
 */
export function withListener(slot: ListenerSlot, listener: AnyReadinessListener): ListenerSlot {
  if (slot === null) return listener;
  if (Array.isArray(slot)) {
    slot.push(listener);
    return slot;
  }
  return [slot, listener];
}

/**
 * Removes a listener from a slot: the last one added first, as waits end in reverse order.
 * @returns the slot to keep (`null` once none is left; an array is changed in place).
 * @example slot = withoutListener(slot, listener);
 */
export function withoutListener(slot: ListenerSlot, listener: AnyReadinessListener): ListenerSlot {
  if (slot === listener) return null;
  if (!Array.isArray(slot)) return slot;
  const last = slot.length - 1;
  if (slot[last] === listener) slot.pop();
  else {
    const index = slot.lastIndexOf(listener);
    if (index !== -1) slot.splice(index, 1);
  }
  return slot.length === 0 ? null : slot;
}

/**
 * Calls every listener of a slot. Listeners must not throw: they run inside Node's I/O
 * callbacks. One that removes itself or adds another while it runs does not change who is
 * called this time.
 * @example notifyListeners(slot);
 */
export function notifyListeners(slot: ListenerSlot): void {
  if (slot === null) return;
  if (!Array.isArray(slot)) {
    call(slot);
    return;
  }
  if (slot.length === 1) {
    call(slot[0]!);
    return;
  }
  for (const listener of slot.slice()) call(listener);
}

/**
 * How many listeners a slot holds.
 * @example if (listenerCount(slot) === 0) disarm();
 */
export function listenerCount(slot: ListenerSlot): number {
  if (slot === null) return 0;
  return Array.isArray(slot) ? slot.length : 1;
}

function call(listener: AnyReadinessListener): void {
  if (typeof listener === 'function') listener();
  else listener.readinessChanged();
}
