/**
 * A live table of events: a service filter, a search box and the matching events newest first,
 * redrawn as the store grows (at most once a frame, and only while it is shown). The timeline
 * and the DNS, HTTP and FTP logs are each one of these.
 */
import { h, replace, setOptions } from './dom.js';
import { matchesText, passesService, toneOf } from './event-text.js';
import { formatClock, formatIso } from './format.js';

/** Rows drawn at most: the search box finds older ones. */
const MAX_ROWS = 500;

/** A service's name as a coloured badge; the colour is the same wherever the name appears. */
export function serviceBadge(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return h('span', { class: 'badge', dataset: { hue: String(hash % 8) }, text: name });
}

/** The time cell every table starts with: the clock time, the ISO time on hover. */
export const TIME_COLUMN = {
  label: 'Time',
  class: 'time',
  cell: (event) =>
    h(
      'time',
      { datetime: formatIso(event.time), title: formatIso(event.time) },
      formatClock(event.time),
    ),
};

/**
 * A live, filtered table of the store's events.
 * @example
 * const dns = new EventTable({ store, name: 'dns', title: 'DNS',
 *   match: (e) => e.kind === 'query' && e.name !== undefined,
 *   columns: [TIME_COLUMN, { label: 'Name', cell: (e) => e.name }] });
 * main.append(dns.element);
 */
export class EventTable {
  /**
   * @param {object} options
   * @param {import('./event-store.js').EventStore} options.store the events.
   * @param {string} options.name the view's name (its `#hash` and its elements' ids).
   * @param {string} options.title the heading.
   * @param {string} options.intro one line under the heading.
   * @param {(event: Record<string, any>) => boolean} options.match which events belong here.
   * @param {Array<{label: string, class?: string, cell: (event: Record<string, any>) => unknown}>} options.columns
   * @param {string} options.empty what an empty table says.
   */
  constructor({ store, name, title, intro, match, columns, empty }) {
    this.store = store;
    this.match = match;
    this.columns = columns;
    this.empty = empty;
    this.visible = false;
    this.dirty = true;
    this.frame = 0;
    this.service = h('select', {
      id: `${name}-service`,
      'aria-label': 'Service',
      onchange: () => this.render(),
    });
    this.search = h('input', {
      id: `${name}-search`,
      type: 'search',
      placeholder: 'Search every field…',
      'aria-label': 'Search',
      oninput: () => this.render(),
    });
    this.count = h('span', { class: 'count' });
    this.body = h('tbody');
    this.table = h(
      'table',
      { id: `${name}-table`, class: 'events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { class: c.class }, c.label)),
        ),
      ),
      this.body,
    );
    this.element = h(
      'section',
      { id: `view-${name}`, class: 'view', hidden: true },
      h(
        'div',
        { class: 'toolbar' },
        h(
          'div',
          { class: 'heading' },
          h('h1', { text: title }),
          h('p', { class: 'intro', text: intro }),
        ),
        h('div', { class: 'filters' }, this.service, this.search, this.count),
      ),
      h('div', { class: 'table-wrap' }, this.table),
    );
    store.subscribe((added, reset) => {
      if (reset || added.some(match)) this.schedule();
    });
  }

  /** Shows the table (drawing it if events came while it was hidden). */
  show() {
    this.visible = true;
    this.element.hidden = false;
    if (this.dirty) this.render();
  }

  /** Hides the table; it is redrawn only when shown again. */
  hide() {
    this.visible = false;
    this.element.hidden = true;
  }

  /** Redraws at the next frame, once however many events come before it. */
  schedule() {
    this.dirty = true;
    if (!this.visible || this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the matching events now. */
  render() {
    this.dirty = false;
    const mine = this.store.events.filter(this.match);
    const names = [...new Set(mine.map((e) => e.service))].sort();
    setOptions(this.service, [
      ['', 'All services'],
      ['*', 'All, admin too'],
      ...names.map((n) => [n, n]),
    ]);
    const choice = this.service.value;
    const needle = this.search.value.trim().toLowerCase();
    const shown = [];
    let matched = 0;
    for (const event of mine) {
      if (!passesService(event, choice) || !matchesText(event, needle)) continue;
      matched++;
      if (shown.length < MAX_ROWS) shown.push(event);
    }
    this.count.textContent =
      matched > shown.length
        ? `newest ${shown.length} of ${matched}`
        : `${matched} ${matched === 1 ? 'event' : 'events'}`;
    if (shown.length === 0) {
      const problem = this.store.problem;
      replace(
        this.body,
        h(
          'tr',
          { class: 'empty' },
          h(
            'td',
            { colspan: String(this.columns.length) },
            problem ?? (needle || choice ? 'Nothing matches.' : this.empty),
          ),
        ),
      );
      return;
    }
    replace(
      this.body,
      shown.map((event) =>
        h(
          'tr',
          { class: toneOf(event), dataset: { kind: event.kind, service: event.service } },
          this.columns.map((c) => h('td', { class: c.class }, c.cell(event) ?? '')),
        ),
      ),
    );
  }
}
