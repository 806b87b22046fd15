/**
 * The timeline of every session across protocols, and the DNS, HTTP and FTP logs: each an
 * {@link EventTable} with its own columns.
 */
import { h } from './dom.js';
import { EventTable, serviceBadge, TIME_COLUMN } from './event-table.js';
import { describeEvent } from './event-text.js';
import { formatBytes, formatDuration } from './format.js';

const SERVICE_COLUMN = { label: 'Service', class: 'service', cell: (e) => serviceBadge(e.service) };
const PEER_COLUMN = { label: 'Client', class: 'peer mono', cell: (e) => e.peer || '–' };
const number = (label, cell) => ({ label, class: 'num', cell });
const text = (label, field, extra = '') => ({ label, class: extra, cell: (e) => e[field] ?? '' });

/** A timeline row's details; a mail's open it in the mailbox (its id is the event's). */
function details(event) {
  const text = describeEvent(event);
  if (event.service !== 'smtp' || event.kind !== 'message') return text;
  return h('a', { href: `#mail/${encodeURIComponent(event.id)}`, title: 'Read it', text });
}

/**
 * The views built on the store, by name.
 * @param {import('./event-store.js').EventStore} store the events.
 * @returns {Record<string, EventTable>} `timeline`, `dns`, `http`, `ftp`.
 * @example for (const view of Object.values(eventViews(store))) main.append(view.element);
 */
export function eventViews(store) {
  return {
    timeline: new EventTable({
      store,
      name: 'timeline',
      title: 'Timeline',
      intro: 'Every session on every service as it happens, newest on top.',
      match: () => true,
      empty: 'No events yet: connect to any service and watch it appear here.',
      columns: [
        TIME_COLUMN,
        SERVICE_COLUMN,
        {
          label: 'Event',
          class: 'kind',
          cell: (e) => h('span', { class: 'kind-tag', text: e.kind }),
        },
        PEER_COLUMN,
        { label: 'Details', class: 'details', cell: details },
      ],
    }),
    dns: new EventTable({
      store,
      name: 'dns',
      title: 'DNS log',
      intro: 'Every question answered, over UDP and TCP.',
      match: (e) => e.kind === 'query' && e.name !== undefined,
      empty: 'No DNS queries yet. Ask one with the dig line on the Services page.',
      columns: [
        TIME_COLUMN,
        PEER_COLUMN,
        text('Name', 'name', 'mono name'),
        text('Type', 'type', 'mono'),
        {
          label: 'Rcode',
          class: 'status',
          cell: (e) => h('span', { class: 'pill', text: e.rcode }),
        },
        text('Transport', 'transport'),
        { label: 'Answered from', cell: (e) => e.source ?? '' },
      ],
    }),
    http: new EventTable({
      store,
      name: 'http',
      title: 'HTTP log',
      intro: 'Every request answered by the web site (HTTP and HTTPS).',
      match: (e) => e.kind === 'request' && e.status !== undefined,
      empty: 'No HTTP requests yet. Open the site from the Services page.',
      columns: [
        TIME_COLUMN,
        SERVICE_COLUMN,
        PEER_COLUMN,
        text('Method', 'method', 'mono'),
        { label: 'Path', class: 'mono path', cell: (e) => e.path ?? '(unparsable)' },
        {
          label: 'Status',
          class: 'status',
          cell: (e) => h('span', { class: 'pill', text: e.status }),
        },
        number('Bytes', (e) =>
          h('span', { title: `${e.bytes} bytes`, text: formatBytes(e.bytes) }),
        ),
        number('Duration', (e) => (e.duration === undefined ? '' : formatDuration(e.duration))),
      ],
    }),
    ftp: new EventTable({
      store,
      name: 'ftp',
      title: 'FTP log',
      intro: 'Every transfer: downloads, uploads and listings.',
      match: (e) => e.kind === 'transfer',
      empty: 'No FTP transfers yet. Connect with the ftp:// URL on the Services page.',
      columns: [
        TIME_COLUMN,
        SERVICE_COLUMN,
        PEER_COLUMN,
        text('User', 'user'),
        text('Command', 'command', 'mono'),
        text('Path', 'path', 'mono path'),
        { label: 'Direction', cell: (e) => (e.direction === 'in' ? '↑ upload' : '↓ download') },
        number('Bytes', (e) =>
          h('span', { title: `${e.bytes} bytes`, text: formatBytes(e.bytes) }),
        ),
        {
          label: 'Status',
          class: 'status',
          cell: (e) => h('span', { class: 'pill', text: e.status }),
        },
      ],
    }),
  };
}
