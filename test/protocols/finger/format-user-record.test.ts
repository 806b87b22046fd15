import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUserRecords } from '../../../src/protocols/finger/codec/format-user-record.js';
import { alice, bob, mallory } from './fixtures.js';

test('formatUserRecords() shows a logged-in user with project and plan', () => {
  assert.equal(
    formatUserRecords([alice]).toString(),
    [
      'Login: alice                            Name: Alice Liddell',
      'Directory: /home/alice                  Shell: /bin/sh',
      'Office: Rabbit hole',
      'On since Tue Nov 24 15:17 (UTC) on pts/0 from tea.party',
      '     5 minutes idle',
      'Project: Looking-glass survey',
      'Plan:',
      'Follow the white rabbit.',
      'Drink me.',
      '',
    ].join('\r\n'),
  );
});

test('formatUserRecords() says Never logged in and No Plan when there is neither', () => {
  assert.equal(
    formatUserRecords([bob]).toString(),
    [
      'Login: bob                              Name: Bob Dobbs',
      'Directory: /home/bob                    Shell: /bin/bash',
      'Never logged in.',
      'No Plan.',
      '',
    ].join('\r\n'),
  );
});

test('formatUserRecords() treats a blank plan as no plan', () => {
  assert.match(formatUserRecords([{ ...bob, plan: '\n  \n' }]).toString(), /No Plan\.\r\n$/);
});

test('formatUserRecords() strips escape sequences from every field and the plan', () => {
  const out = formatUserRecords([mallory]).toString();
  assert.equal(
    out,
    [
      'Login: mallory                          Name: Mal[2JLory',
      'Directory: /home/mallory                Shell: /bin/sh',
      'On since Tue Sep  1 08:00 (UTC) on tty1',
      '     1 day 1 hour idle',
      'Plan:',
      ']0;pwnedHi6n',
      'Login: root',
      '',
    ].join('\r\n'),
  );
});

test('formatUserRecords() separates several records with a blank line', () => {
  const out = formatUserRecords([bob, bob]).toString();
  assert.equal(out.split('\r\n\r\n').length, 2);
});

test('formatUserRecords() bounds the reply however long the plan is', () => {
  const huge = { ...bob, plan: 'all work and no play\n'.repeat(100_000) };
  const out = formatUserRecords([huge], { maxReplyBytes: 4096 });
  assert.ok(out.length <= 4096);
  assert.match(out.toString(), /\[output truncated\]\r\n$/);
});
