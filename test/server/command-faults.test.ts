/**
 * `CommandFaults` on a connection in memory, with a manual clock: what it stops, how a delay
 * waits and ends with the connection, what a disconnect sends, and `cutAfter` handed to the
 * transfer once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandFaults } from '../../src/server/command-faults.js';
import { Connection } from '../../src/server/connection.js';
import type { FaultAction, FaultFacts } from '../../src/server/fault-hook.js';
import type { ServerSession } from '../../src/server/server-session.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { StringTransport } from '../../src/testing/string-transport.js';

/** A session that never has an event: the tests drive `CommandFaults` by hand. */
const quiet: ServerSession<never> = {
  receiveData: () => {},
  nextEvent: () => null,
  takeOutput: () => Buffer.alloc(0),
  partialCommand: false,
};

/** A connection whose rules answer `action` (to every step, or as it says), and what they were asked. */
function setup(
  action: FaultAction | undefined | ((facts: FaultFacts) => FaultAction | undefined),
  withRules = true,
) {
  const clock = new ManualClock();
  const transport = new StringTransport();
  const asked: FaultFacts[] = [];
  const holder: { faults?: CommandFaults } = {};
  const connection = new Connection<never>({
    transport,
    session: quiet,
    clock,
    handler: { handleEvent: () => {}, closed: () => holder.faults?.cancel() },
    observer: withRules
      ? {
          fault: (facts) => {
            asked.push(facts);
            return typeof action === 'function' ? action(facts) : action;
          },
        }
      : {},
  });
  const faults = new CommandFaults(connection);
  holder.faults = faults;
  const outcome: string[] = [];
  const command = {
    answer: (reply: string) => outcome.push(`answer ${reply}`),
    goOn: () => outcome.push('go on'),
  };
  return { clock, transport, connection, faults, asked, outcome, command };
}

test('check() asks the rules with the peer and the facts; no rule, no stop', () => {
  const { faults, asked } = setup(undefined);
  assert.equal(faults.check({ command: 'RCPT', user: 'demo' }), false);
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.command, 'RCPT');
  assert.equal(asked[0]!.user, 'demo');
  assert.match(asked[0]!.peer, /\S/);
});

test('without a host (no observer.fault) nothing is armed and nothing stops', () => {
  const { faults } = setup({ reply: '451 no' }, false);
  assert.equal(faults.armed, false);
  assert.equal(faults.check({ command: 'MAIL' }), false);
});

test('a reply is handed to the stopped command, at once', () => {
  const { faults, outcome, command } = setup({ reply: '451 4.3.0 try again later' });
  assert.equal(faults.check({ command: 'RCPT' }), true);
  assert.equal(faults.act(command), undefined);
  assert.deepEqual(outcome, ['answer 451 4.3.0 try again later']);
});

test('a delay waits on the connection clock, then the command goes on', async () => {
  const { clock, faults, outcome, command } = setup({ delay: 1000 });
  assert.equal(faults.check({ command: 'MAIL' }), true);
  const waiting = faults.act(command);
  assert.ok(waiting instanceof Promise);
  clock.advance(999);
  await Promise.resolve();
  assert.deepEqual(outcome, []);
  clock.advance(1);
  await waiting;
  assert.deepEqual(outcome, ['go on']);
  assert.equal(clock.pendingTimers, 0);
});

test('a delay then a reply: the reply comes after the delay', async () => {
  const { clock, faults, outcome, command } = setup({ delay: 50, reply: '-ERR later' });
  faults.check({ command: 'RETR' });
  const waiting = faults.act(command);
  clock.advance(50);
  await waiting;
  assert.deepEqual(outcome, ['answer -ERR later']);
});

test('a connection closed during a delay: its timer goes, and the command is never acted on', async () => {
  const { clock, transport, faults, outcome, command } = setup({ delay: 60_000, reply: '451 x' });
  faults.check({ command: 'DATA' });
  const waiting = faults.act(command);
  assert.equal(clock.pendingTimers, 1);
  transport.close();
  await waiting;
  assert.equal(clock.pendingTimers, 0);
  assert.deepEqual(outcome, []);
});

test('disconnect: what was answered before goes out, then the connection closes, unanswered', () => {
  const { transport, connection, faults, outcome, command } = setup({ disconnect: true });
  connection.write('250 earlier\r\n');
  faults.check({ command: 'MAIL' });
  faults.act(command);
  assert.deepEqual(outcome, []);
  assert.equal(transport.text(), '250 earlier\r\n');
  assert.ok(transport.calls.includes('closeWhenDone'));
  assert.ok(connection.isClosed);
});

test('disconnect the protocol’s own way when it has one', async () => {
  const { faults, outcome, command } = setup({ disconnect: true });
  faults.check({ command: 'LIST' });
  await faults.act({ ...command, disconnect: async () => void outcome.push('unlocked, closed') });
  assert.deepEqual(outcome, ['unlocked, closed']);
});

test('cutAfter alone does not stop the command; its count is taken once', () => {
  const { faults } = setup({ cutAfter: 100 });
  assert.equal(faults.check({ command: 'RETR' }), false);
  assert.equal(faults.takeCut(), 100);
  assert.equal(faults.takeCut(), undefined);
});

test('a cut not taken is forgotten at the next command checked', () => {
  const { faults } = setup((facts) => (facts.command === 'RETR' ? { cutAfter: 100 } : undefined));
  faults.check({ command: 'RETR' });
  faults.check({ command: 'RETR' });
  assert.equal(faults.takeCut(), 100);
  faults.check({ command: 'RETR' });
  faults.check({ command: 'NOOP' });
  assert.equal(
    faults.takeCut(),
    undefined,
    'a RETR refused before its transfer does not cut the next',
  );
});
