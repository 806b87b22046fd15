/**
 * The events the UI knows, newest first: the list the API held when the page opened, then each
 * new one as the server streams it (Server-Sent Events). Every view reads this one store.
 */
import { getJson } from './api.js';

/** Most events kept in the page: older ones drop off the end. */
const KEEP = 5000;

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
    /** The events held by id: the hub numbers events across the whole host. */
    this.byId = new Map();
    this.listeners = new Set();
    /** `connecting`, `live`, `reconnecting` or `offline`. */
    this.state = 'connecting';
    /** Why the list could not be read, or null. */
    this.problem = null;
  }

  /**
   * Calls `listener(added, reset)` after each batch of new events, and with `reset` true once
   * every event was dropped (the host restarted).
   * @param {(added: Array<Record<string, any>>, reset: boolean) => void} listener the function.
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
      if (this.byId.has(event.id)) return false;
      this.byId.set(event.id, event);
      return true;
    });
    if (fresh.length === 0) return;
    this.events = newer ? [...fresh, ...this.events] : [...this.events, ...fresh];
    for (const dropped of this.events.splice(KEEP)) this.byId.delete(dropped.id);
    for (const listener of this.listeners) listener(fresh, false);
  }

  /** Drops every event held. */
  reset() {
    this.events = [];
    this.byId.clear();
    for (const listener of this.listeners) listener([], true);
  }

  /**
   * Whether a list read from the host shows it is not the one whose events are held: a host
   * that restarted numbers its events from 1 again, so an id held names another event.
   * @param {Array<Record<string, any>>} events the list.
   * @param {number} lastId the host's newest id.
   */
  isAnotherHost(events, lastId) {
    if (this.events.length === 0) return false;
    let newest = 0;
    for (const id of this.byId.keys()) newest = Math.max(newest, id);
    if (lastId < newest) return true;
    return events.some((e) => {
      const held = this.byId.get(e.id);
      return held !== undefined && (held.time !== e.time || held.kind !== e.kind);
    });
  }

  /**
   * Opens the stream, then reads the list once the stream is open (so no event falls between
   * the two); the browser reconnects a broken stream by itself, asking for what it missed with
   * `Last-Event-ID`, and the list is read again. When that shows a restarted host, the events
   * held are dropped and a fresh stream opened (the old one would ask for ids the new host has
   * not reached). A stream the server refused (no API yet) is tried again every few seconds.
   * @param {(state: string) => void} onState told `live`, `reconnecting` or `offline`.
   */
  connect(onState) {
    const setState = (state) => {
      this.state = state;
      onState(state);
    };
    const open = () => {
      const source = new EventSource('/api/v1/events/stream');
      source.addEventListener('open', () => {
        setState('live');
        getJson('/api/v1/events?limit=1000')
          .then(({ events, lastId }) => {
            this.problem = null;
            if (this.isAnotherHost(events, lastId)) {
              source.close();
              this.reset();
              open();
              return;
            }
            this.add(events, false);
          })
          .catch((error) => {
            this.problem = error.message;
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
