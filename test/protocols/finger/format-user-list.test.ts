import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUserList } from '../../../src/protocols/finger/codec/format-user-list.js';
import { alice, bob, mallory, NOW } from './fixtures.js';

test('formatUserList() lays users out in the BSD fingerd columns', () => {
  assert.equal(
    formatUserList([alice, bob], { now: NOW }).toString(),
    'Login      Name                 Tty      Idle  Login Time    Office\r\n' +
      'alice      Alice Liddell        pts/0       5  Tue 15:17     Rabbit hole\r\n' +
      'bob        Bob Dobbs            *              No logins\r\n',
  );
});

test('formatUserList() shows old logins by date and long idle times in days', () => {
  const out = formatUserList([mallory], { now: NOW }).toString().split('\r\n')[1];
  assert.equal(out, 'mallory    Mal[2JLory           tty1       1d  Sep  1');
});

test('formatUserList() shows logins older than half a year with their year', () => {
  const old = { ...bob, loggedIn: { tty: 'console', since: new Date('2025-01-05T09:00:00Z') } };
  const row = formatUserList([old], { now: NOW }).toString().split('\r\n')[1];
  assert.equal(row, 'bob        Bob Dobbs            console        Jan  5 2025');
});

test('formatUserList() shows idle times in hours and minutes', () => {
  const idle = { ...bob, loggedIn: { tty: 'pts/1', since: NOW, idleSeconds: 3900 } };
  const row = formatUserList([idle], { now: NOW }).toString().split('\r\n')[1];
  assert.equal(row, 'bob        Bob Dobbs            pts/1    1:05  Tue 15:17');
});

test('formatUserList() cuts long fields to their column so the columns stay aligned', () => {
  const wide = { ...bob, login: 'a'.repeat(30), name: 'N'.repeat(40) };
  const row = formatUserList([wide], { now: NOW }).toString().split('\r\n')[1];
  assert.equal(row, `${'a'.repeat(10)} ${'N'.repeat(20)} *              No logins`);
});

test('formatUserList() says no one is logged on for an empty list', () => {
  assert.equal(formatUserList([], { now: NOW }).toString(), 'No one logged on.\r\n');
});
