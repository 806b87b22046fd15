/**
 * The services page: per service where it listens, how to reach it (the site's URL, an ftp://
 * URL, a dig line), its rates now in human units (from two `/status.json` samples), its totals,
 * its recent errors; and the accelerators the host runs with.
 */
import { getJson } from './api.js';
import { copyButton, h, replace } from './dom.js';
import { serviceBadge } from './event-table.js';
import { describeEvent } from './event-text.js';
import {
  formatByteRate,
  formatBytes,
  formatClock,
  formatIso,
  formatRate,
  hostPort,
} from './format.js';

/** How often the page samples `/status.json` while it is shown (the rates span two samples). */
const SAMPLE_MS = 2000;
/** Recent errors shown per service. */
const RECENT_ERRORS = 5;

/**
 * Ways to reach a service from its first listener: links to open, lines to copy.
 * @param {string} name the service's name.
 * @param {{ address: string, port: number }} at where it listens.
 * @returns {Array<{ link?: string, line?: string }>}
 */
function reachOf(name, at) {
  // A wildcard listener is reached through loopback from this machine.
  const address = at.address === '0.0.0.0' ? '127.0.0.1' : at.address === '::' ? '::1' : at.address;
  const authority = hostPort(address, at.port);
  switch (name) {
    case 'admin':
      return [{ line: `curl http://${authority}/status.json` }];
    case 'http':
      return [{ link: `http://${authority}/` }, { line: `curl -i http://${authority}/` }];
    case 'https':
      return [{ link: `https://${authority}/` }, { line: `curl -ik https://${authority}/` }];
    case 'ftp':
      return [{ line: `ftp://${authority}/` }, { line: `lftp -p ${at.port} ${address}` }];
    case 'dns':
      return [{ line: `dig @${address} -p ${at.port} example.test` }];
    case 'smtp':
      return [{ line: `swaks --server ${address} --port ${at.port} --to demo@example.test` }];
    case 'pop3':
      return [{ line: `curl -u demo:demo pop3://${authority}/` }];
    default:
      return [{ line: `nc ${address} ${at.port}` }];
  }
}

/** Where a service listens: `127.0.0.1:10053 tcp+udp` (one end per address and port). */
function whereText(listeners) {
  const ends = new Map();
  for (const l of listeners) {
    const end = hostPort(l.address, l.port);
    ends.set(end, [...(ends.get(end) ?? []), l.transport]);
  }
  return [...ends].map(([end, transports]) => `${end} ${transports.join('+')}`).join(' · ');
}

/** A count and its noun, plural unless one: `1 request`, `3 requests`. */
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The services view.
 * @example
 * const services = new ServicesView(store);
 * main.append(services.element);
 * services.show();
 */
export class ServicesView {
  /** @param {import('./event-store.js').EventStore} store the events (for recent errors). */
  constructor(store) {
    this.store = store;
    this.visible = false;
    this.timer = 0;
    /** The last two samples: `{ at, doc }`. */
    this.previous = null;
    this.current = null;
    this.problem = null;
    this.accelerators = h('div', { id: 'accelerators', class: 'accelerators' });
    this.grid = h('div', { id: 'service-cards', class: 'cards' });
    this.element = h(
      'section',
      { id: 'view-services', class: 'view', hidden: true },
      h(
        'div',
        { class: 'toolbar' },
        h(
          'div',
          { class: 'heading' },
          h('h1', { text: 'Services' }),
          h('p', {
            class: 'intro',
            text: 'Where each service listens, how to reach it, and how busy it is now.',
          }),
        ),
        this.accelerators,
      ),
      this.grid,
    );
    store.subscribe((added, reset) => {
      if (this.visible && (reset || added.some((e) => e.kind === 'error'))) this.render();
    });
  }

  show() {
    this.visible = true;
    this.element.hidden = false;
    this.render();
    if (this.timer === 0) {
      this.sample();
      this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    }
  }

  hide() {
    this.visible = false;
    this.element.hidden = true;
    clearInterval(this.timer);
    this.timer = 0;
    // Rates span two samples taken while shown: an old one would average over the hidden time.
    this.previous = null;
  }

  /** Takes a sample of `/status.json` and redraws. */
  async sample() {
    try {
      const doc = await getJson('/status.json');
      this.previous = this.current;
      this.current = { at: performance.now(), doc };
      this.problem = null;
    } catch (error) {
      this.problem = error.message;
    }
    if (this.visible) this.render();
  }

  /** Per second rates of a service between the two samples, or null before a second sample. */
  rates(name) {
    if (this.previous === null || this.current === null) return null;
    const seconds = (this.current.at - this.previous.at) / 1000;
    const before = this.previous.doc.services.find((s) => s.name === name);
    const now = this.current.doc.services.find((s) => s.name === name);
    if (before === undefined || now === undefined || seconds <= 0) return null;
    const per = (a, b) => Math.max(0, b - a) / seconds;
    return {
      requests: per(before.requests, now.requests),
      bytesIn: per(before.bytesIn, now.bytesIn),
      bytesOut: per(before.bytesOut, now.bytesOut),
      connections: per(before.connections.total, now.connections.total),
    };
  }

  render() {
    if (this.current === null) {
      replace(
        this.grid,
        h('p', {
          class: this.problem ? 'problem' : 'placeholder',
          text: this.problem ?? 'Loading…',
        }),
      );
      return;
    }
    const doc = this.current.doc;
    replace(
      this.accelerators,
      h('span', { class: 'label', text: 'Accelerators' }),
      doc.accelerators.map((a) =>
        h('span', {
          class: a.active ? 'pill on' : 'pill off',
          title: a.active ? 'active' : a.reason,
          text: `${a.name} ${a.active ? 'on' : 'off'}`,
        }),
      ),
    );
    replace(
      this.grid,
      this.problem
        ? h('p', { class: 'problem', text: `${this.problem} (showing the last sample)` })
        : null,
      doc.services.map((s) => this.card(s)),
    );
  }

  /** One service's card. */
  card(s) {
    const rates = this.rates(s.name);
    const listeners = s.listeners;
    const errors = this.store.events
      .filter((e) => e.service === s.name && e.kind === 'error')
      .slice(0, RECENT_ERRORS);
    const stat = (label, value, title) =>
      h(
        'div',
        { class: 'stat', title },
        h('span', { class: 'stat-value', text: value }),
        h('span', { class: 'stat-label', text: label }),
      );
    const reach = listeners.length === 0 ? [] : reachOf(s.name, listeners[0]);
    return h(
      'article',
      { class: listeners.length === 0 ? 'card stopped' : 'card', dataset: { service: s.name } },
      h(
        'header',
        {},
        serviceBadge(s.name),
        s.protocol === s.name ? null : h('span', { class: 'protocol', text: s.protocol }),
        h(
          'span',
          { class: 'where mono' },
          listeners.length === 0 ? 'stopped' : whereText(listeners),
        ),
      ),
      reach.length === 0
        ? null
        : h(
            'ul',
            { class: 'reach' },
            reach.map((r) =>
              r.link
                ? h(
                    'li',
                    {},
                    h('a', {
                      href: r.link,
                      target: '_blank',
                      rel: 'noopener noreferrer',
                      class: 'mono',
                      text: r.link,
                    }),
                  )
                : h('li', {}, h('code', { text: r.line }), copyButton(r.line)),
            ),
          ),
      h(
        'div',
        { class: 'stats' },
        stat(
          'requests',
          rates ? formatRate(rates.requests, 'req/s') : '…',
          'requests, commands, queries or datagrams per second',
        ),
        stat('in', rates ? formatByteRate(rates.bytesIn) : '…', 'bytes received per second'),
        stat('out', rates ? formatByteRate(rates.bytesOut) : '…', 'bytes sent per second'),
        stat('open', String(s.connections.open), 'connections open now'),
      ),
      h(
        'p',
        { class: 'totals' },
        `${count(s.requests, 'request')} · ${count(s.connections.total, 'connection')}` +
          (s.connections.refused ? ` (${s.connections.refused} refused)` : '') +
          ` · ${formatBytes(s.bytesIn)} in · ${formatBytes(s.bytesOut)} out · ${count(s.errors, 'error')}`,
      ),
      errors.length === 0
        ? null
        : h(
            'div',
            { class: 'recent-errors' },
            h('h3', { text: 'Recent errors' }),
            h(
              'ul',
              {},
              errors.map((e) =>
                h(
                  'li',
                  {},
                  h('time', { title: formatIso(e.time), text: formatClock(e.time) }),
                  ' ',
                  e.peer ? h('span', { class: 'mono', text: `${e.peer} ` }) : null,
                  describeEvent(e),
                ),
              ),
            ),
          ),
    );
  }
}
