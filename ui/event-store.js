/**
 * The events the UI knows, newest first: the list the API held when the page opened, then each
 * new one as the server streams it (Server-Sent Events). Every view reads this one store.
 */
import { getJson } from './api.js';

/** Most events kept in the page: older ones drop off the end. */
const KEEP = 5000;

/** An event's identity: the hub numbers events across the whole host. */
const keyOf = (event) => event.id;

/**
 * Captured events, newest first, with listeners told of each batch added.
 * @example
 * const store = new EventStore();
 * store.subscribe((added) => render());
 * store.connect((state) => (badge.textContent = state));
 */
export class EventStore {
  constructor() {
    /** @type {Array<Record<string, any>>} newest first. */
    this.events = [];
    this.keys = new Set();
    this.listeners = new Set();
    /** `connecting`, `live`, `reconnecting` or `offline`. */
    this.state = 'connecting';
    /** Why the list could not be read, or null. */
    this.problem = null;
  }

  /**
   * Calls `listener(added)` after each batch of new events.
   * @param {(added: Array<Record<string, any>>) => void} listener the function.
   * @returns {() => void} a function that removes it.
   */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds events not seen yet. `newer` events go on top (the stream's), the others below what is
   * held: the list is read after the stream opened, so what it has that the stream did not send
   * is older than anything streamed.
   * @param {Array<Record<string, any>>} events newest first.
   * @param {boolean} newer whether they are newer than every event held.
   */
  add(events, newer) {
    const fresh = events.filter((event) => {
      const key = keyOf(event);
      if (this.keys.has(key)) return false;
      this.keys.add(key);
      return true;
    });
    if (fresh.length === 0) return;
    this.events = newer ? [...fresh, ...this.events] : [...this.events, ...fresh];
    for (const dropped of this.events.splice(KEEP)) this.keys.delete(keyOf(dropped));
    for (const listener of this.listeners) listener(fresh);
  }

  /**
   * Opens the stream, then reads the list once the stream is open (so no event falls between
   * the two); the browser reconnects a broken stream by itself, asking for what it missed with
   * `Last-Event-ID`. A stream the server refused (no API yet) is retried every few seconds.
   * @param {(state: string) => void} onState told `live`, `reconnecting` or `offline`.
   */
  connect(onState) {
    const setState = (state) => {
      this.state = state;
      onState(state);
    };
    let listed = false;
    const open = () => {
      const source = new EventSource('/api/v1/events/stream');
      source.addEventListener('open', () => {
        setState('live');
        if (listed) return;
        listed = true;
        getJson('/api/v1/events?limit=1000')
          .then(({ events }) => {
            this.problem = null;
            this.add(events, false);
          })
          .catch((error) => {
            this.problem = error.message;
            listed = false;
            onState(this.state);
          });
      });
      source.addEventListener('message', (message) => {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch {
          return; // not an event: nothing to show
        }
        this.add([event], true);
      });
      source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) {
          setState('offline');
          setTimeout(open, 5000);
        } else setState('reconnecting');
      });
    };
    open();
  }
}
