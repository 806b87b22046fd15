import type { FingerUser } from '../../../src/protocols/finger/codec/finger-user.js';

/** The time every finger test runs at: Tuesday 2026-11-24 15:17:31 UTC. */
export const NOW = new Date('2026-11-24T15:17:31Z');

export const alice: FingerUser = {
  login: 'alice',
  name: 'Alice Liddell',
  home: '/home/alice',
  shell: '/bin/sh',
  office: 'Rabbit hole',
  project: 'Looking-glass survey',
  plan: 'Follow the white rabbit.\nDrink me.\n',
  loggedIn: {
    tty: 'pts/0',
    since: new Date('2026-11-24T15:17:00Z'),
    idleSeconds: 300,
    from: 'tea.party',
  },
};

export const bob: FingerUser = {
  login: 'bob',
  name: 'Bob Dobbs',
  home: '/home/bob',
  shell: '/bin/bash',
};

export const mallory: FingerUser = {
  login: 'mallory',
  name: 'Mal\x1b[2JLory',
  home: '/home/mallory',
  shell: '/bin/sh',
  plan: '\x1b]0;pwned\x07Hi\x9b6n\x00\r\nLogin: root\r',
  loggedIn: { tty: 'tty\x1b1', since: new Date('2026-09-01T08:00:00Z'), idleSeconds: 90_000 },
};
