/**
 * The admin web UI's entry point: builds the views, opens the event stream and shows the view
 * the address's `#hash` names (`#timeline`, `#mail/12`, `#dns`, `#http`, `#ftp`, `#services`).
 */
import { getJson } from './api.js';
import { h, replace } from './dom.js';
import { EventStore } from './event-store.js';
import { eventViews } from './event-views.js';
import { formatDuration } from './format.js';
import { MailboxView } from './mailbox.js';
import { ServicesView } from './services.js';

const store = new EventStore();
const views = {
  ...eventViews(store),
  mail: new MailboxView(store),
  services: new ServicesView(store),
};
const TABS = [
  ['timeline', 'Timeline'],
  ['mail', 'Mail'],
  ['dns', 'DNS'],
  ['http', 'HTTP'],
  ['ftp', 'FTP'],
  ['services', 'Services'],
];

const nav = document.getElementById('tabs');
const main = document.getElementById('main');
const live = document.getElementById('live');
const about = document.getElementById('about');

replace(
  nav,
  TABS.map(([name, label]) =>
    h('a', { href: `#${name}`, id: `tab-${name}`, class: 'nav-tab', text: label }),
  ),
);
for (const view of Object.values(views)) main.append(view.element);

/** Shows the view the hash names (the timeline for none or an unknown one). */
function route() {
  const [name, ...rest] = location.hash.replace(/^#/, '').split('/');
  const chosen = name in views ? name : 'timeline';
  for (const [key, view] of Object.entries(views)) if (key !== chosen) view.hide();
  for (const link of nav.querySelectorAll('a')) {
    if (link.id === `tab-${chosen}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  views[chosen].show(rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined);
  document.title = `${TABS.find(([key]) => key === chosen)[1]} · polyport`;
}
addEventListener('hashchange', route);
route();

const STATES = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};
store.connect((state) => {
  live.textContent = STATES[state] ?? state;
  live.dataset.state = state;
  live.title = store.problem ?? (state === 'live' ? 'New events stream in as they happen' : '');
});

/** The host's version, Node.js and uptime in the header, read once (the uptime then counts on). */
getJson('/status.json').then(
  (doc) => {
    const started = Date.parse(doc.startedAt);
    const show = () => {
      about.textContent = `polyport ${doc.version} · Node.js ${doc.node} · up ${formatDuration(Math.floor((Date.now() - started) / 1000) * 1000)}`;
    };
    show();
    setInterval(show, 1000);
  },
  (error) => {
    about.textContent = error.message;
  },
);
