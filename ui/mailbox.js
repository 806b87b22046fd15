/**
 * The mailbox: the mails SMTP accepted (list, search), and one mail as its text, its HTML (in a
 * sandboxed frame: no script runs, nothing remote loads), its source, its headers and its
 * attachments. The list is read again whenever the stream brings a new mail.
 */
import { getJson, query } from './api.js';
import { h, replace } from './dom.js';
import { formatBytes, formatIso, formatWhen } from './format.js';

/**
 * The policy put at the top of a mail's HTML, on top of the page's own (which the `srcdoc`
 * frame inherits): no fetch of any kind, not even from the admin origin; inline styles and
 * `data:` images only, which is how mail carries its own look.
 */
const MAIL_POLICY =
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">';

/**
 * A mail's HTML as a frame's `srcdoc`, with {@link MAIL_POLICY} first (after a doctype, which
 * must stay first to keep the mail's rendering mode).
 * @param {string} html the mail's HTML part.
 * @returns {string} the document for the frame.
 */
function framedHtml(html) {
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  return doctype === null
    ? `${MAIL_POLICY}${html}`
    : `${doctype[0]}${MAIL_POLICY}${html.slice(doctype[0].length)}`;
}

/** A time in full for people (`Sunday, December 6, 2026 at 16:10:33 UTC`); the text as given when it is not one. */
function longTime(value) {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return String(value);
  return time.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' });
}

const addresses = (value) => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));

/** An address the API gives as a string or as postal-mime's `{ name, address }`. */
function addressText(value) {
  if (Array.isArray(value)) return value.map(addressText).join(', ');
  if (value !== null && typeof value === 'object') {
    const { name, address } = value;
    if (Array.isArray(value.group)) return `${name}: ${addressText(value.group)}`;
    return name ? `${name} <${address}>` : String(address ?? '');
  }
  return String(value ?? '');
}

/**
 * The mailbox view.
 * @example
 * const mail = new MailboxView(store);
 * main.append(mail.element);
 * mail.show('12'); // lists the mails, opens mail 12
 */
export class MailboxView {
  /** @param {import('./event-store.js').EventStore} store the events (a new mail refreshes the list). */
  constructor(store) {
    this.messages = [];
    this.problem = null;
    this.selected = null;
    this.visible = false;
    this.loading = null;
    this.again = false;
    this.search = h('input', {
      id: 'mail-search',
      type: 'search',
      placeholder: 'Search from, to, subject…',
      'aria-label': 'Search mail',
      oninput: () => this.renderList(),
    });
    this.count = h('span', { class: 'count' });
    this.list = h('ul', { id: 'mail-list', class: 'mail-list' });
    this.detail = h(
      'div',
      { id: 'mail-detail', class: 'mail-detail' },
      h('p', { class: 'placeholder', text: 'Choose a mail to read it.' }),
    );
    this.element = h(
      'section',
      { id: 'view-mail', class: 'view', hidden: true },
      h(
        'div',
        { class: 'toolbar' },
        h(
          'div',
          { class: 'heading' },
          h('h1', { text: 'Mailbox' }),
          h('p', { class: 'intro', text: 'Every mail the SMTP service accepted, newest first.' }),
        ),
        h('div', { class: 'filters' }, this.search, this.count),
      ),
      h(
        'div',
        { class: 'mail-panes' },
        h('div', { class: 'mail-list-pane' }, this.list),
        this.detail,
      ),
    );
    store.subscribe((added, reset) => {
      if (reset || added.some((e) => e.service === 'smtp' && e.kind === 'message')) this.refresh();
    });
  }

  /**
   * Shows the mailbox, and one mail when `id` is given.
   * @param {string} [id] the mail to open.
   */
  show(id) {
    this.visible = true;
    this.element.hidden = false;
    this.refresh();
    if (id && id !== this.selected) this.open(id);
  }

  hide() {
    this.visible = false;
    this.element.hidden = true;
  }

  /** Reads the list again; a call while a read runs asks for one more read after it. */
  async refresh() {
    if (this.loading !== null) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        try {
          const { messages } = await getJson(`/api/v1/messages${query({ limit: 500 })}`);
          this.messages = messages;
          this.problem = null;
        } catch (error) {
          this.problem = error.message;
        }
      } while (this.again);
      this.loading = null;
      this.renderList();
    })();
    return this.loading;
  }

  /** Draws the list of mails that match the search. */
  renderList() {
    const needle = this.search.value.trim().toLowerCase();
    const shown = this.messages.filter(
      (m) =>
        needle === '' ||
        [m.from, addresses(m.to), m.subject].some((v) =>
          String(v ?? '')
            .toLowerCase()
            .includes(needle),
        ),
    );
    this.count.textContent = `${shown.length} ${shown.length === 1 ? 'mail' : 'mails'}`;
    if (this.problem !== null) {
      replace(this.list, h('li', { class: 'empty problem', text: this.problem }));
      return;
    }
    if (shown.length === 0) {
      replace(
        this.list,
        h('li', {
          class: 'empty',
          text: needle
            ? 'No mail matches.'
            : 'No mail yet. Send one to any address on the SMTP port.',
        }),
      );
      return;
    }
    replace(
      this.list,
      shown.map((m) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `#mail/${encodeURIComponent(m.id)}`,
              class: String(m.id) === this.selected ? 'mail-item selected' : 'mail-item',
              dataset: { id: String(m.id) },
            },
            h('span', { class: 'mail-from', text: m.from || '<>' }),
            h('time', {
              class: 'mail-time',
              datetime: formatIso(m.time),
              title: formatIso(m.time),
              text: formatWhen(m.time),
            }),
            h('span', { class: 'mail-subject', text: m.subject || '(no subject)' }),
            h('span', { class: 'mail-to', text: `to ${addresses(m.to)}` }),
          ),
        ),
      ),
    );
  }

  /**
   * Reads one mail and shows it.
   * @param {string} id the mail's id.
   */
  async open(id) {
    this.selected = id;
    this.renderList();
    replace(this.detail, h('p', { class: 'placeholder', text: 'Loading…' }));
    let message;
    try {
      message = await getJson(`/api/v1/messages/${encodeURIComponent(id)}`);
    } catch (error) {
      if (this.selected === id)
        replace(this.detail, h('p', { class: 'problem', text: error.message }));
      return;
    }
    if (this.selected !== id) return; // another mail was chosen meanwhile
    this.renderMessage(id, message);
  }

  /** Draws a mail: its envelope facts, then a tab per way of reading it. */
  renderMessage(id, m) {
    const attachments = m.attachments ?? [];
    const tabs = [
      [
        'text',
        'Text',
        () => h('pre', { class: 'mail-text', text: m.text || '(this mail has no text part)' }),
      ],
      [
        'html',
        'HTML',
        () =>
          m.html
            ? h('iframe', {
                class: 'mail-html',
                title: 'The mail as HTML',
                sandbox: '',
                referrerpolicy: 'no-referrer',
                srcdoc: framedHtml(m.html),
              })
            : h('p', { class: 'placeholder', text: 'This mail has no HTML part.' }),
      ],
      [
        'source',
        'Source',
        () => {
          const pre = h('pre', { class: 'mail-source', text: 'Loading…' });
          getJson(`/api/v1/messages/${encodeURIComponent(id)}/raw`, 'text').then(
            (raw) => {
              pre.textContent = raw;
            },
            (error) => {
              pre.textContent = error.message;
            },
          );
          return pre;
        },
      ],
      [
        'headers',
        'Headers',
        () =>
          h(
            'table',
            { class: 'kv' },
            h(
              'tbody',
              {},
              (m.headers ?? []).map((f) =>
                h('tr', {}, h('th', { text: f.name }), h('td', { class: 'mono', text: f.value })),
              ),
            ),
          ),
      ],
      [
        'attachments',
        `Attachments (${attachments.length})`,
        () =>
          attachments.length === 0
            ? h('p', { class: 'placeholder', text: 'No attachments.' })
            : h(
                'table',
                { class: 'events' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', { text: 'File' }),
                    h('th', { text: 'Type' }),
                    h('th', { class: 'num', text: 'Size' }),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  attachments.map((a) =>
                    h(
                      'tr',
                      {},
                      h('td', { class: 'mono', text: a.filename || '(unnamed)' }),
                      h('td', { class: 'mono', text: a.mimeType }),
                      h('td', {
                        class: 'num',
                        title: `${a.size} bytes`,
                        text: formatBytes(a.size),
                      }),
                    ),
                  ),
                ),
              ),
      ],
    ];
    const pane = h('div', { class: 'tab-pane' });
    const buttons = tabs.map(([key, label]) =>
      h('button', {
        type: 'button',
        role: 'tab',
        class: 'tab',
        dataset: { tab: key },
        text: label,
        onclick: () => choose(key),
      }),
    );
    const choose = (key) => {
      for (const button of buttons)
        button.setAttribute('aria-selected', String(button.dataset.tab === key));
      replace(pane, tabs.find(([k]) => k === key)[2]());
    };
    const fact = (label, value) =>
      value ? [h('dt', { text: label }), h('dd', { text: value })] : [];
    replace(
      this.detail,
      h('h2', { class: 'mail-title', text: m.subject || '(no subject)' }),
      h(
        'dl',
        { class: 'mail-facts' },
        fact('From', addressText(m.from)),
        fact('To', addressText(m.to)),
        fact('Date', m.date ? longTime(m.date) : ''),
        fact('Received', longTime(m.time)),
      ),
      h('div', { class: 'tabs', role: 'tablist' }, buttons),
      pane,
    );
    choose(m.text || !m.html ? 'text' : 'html');
  }
}
