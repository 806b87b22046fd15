import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Pop3ResponseEvent,
  type Pop3ResponseKind,
  Pop3ResponseParser,
  Pop3ServerSession,
} from '../../src/protocols/mail/index.js';
import { type PumpEnd, pump } from '../../src/testing/index.js';

/** The server's glue, as small as it gets: one mailbox of two messages, password `secret`. */
function pop3Server(events: string[]): PumpEnd {
  const session = new Pop3ServerSession({ allowPlaintextAuth: true });
  return {
    receiveData(data) {
      session.receiveData(data);
      for (let ev = session.nextEvent(); ev !== null; ev = session.nextEvent()) {
        events.push(ev.type);
        if (ev.type === 'login' && ev.mechanism !== 'APOP' && ev.password === 'secret') {
          session.loginSucceeded([
            { id: 'm1', size: 10, uid: 'u1' },
            { id: 'm2', size: 20, uid: 'u2' },
          ]);
        } else if (ev.type === 'login') {
          session.loginFailed();
        } else if (ev.type === 'commit-deletions') {
          session.deletionsCommitted(true);
        }
      }
    },
    takeOutput: () => session.takeOutput(),
  };
}

/** A sans-I/O POP3 client that sends each command once the previous response is complete. */
class ScriptedPop3Client implements PumpEnd {
  readonly responses: Pop3ResponseEvent[] = [];
  /** Bytes received from the server. */
  received = 0;
  readonly #parser = new Pop3ResponseParser();
  readonly #script: Array<readonly [string, Pop3ResponseKind]>;
  #output: Buffer[] = [];
  #kind: Pop3ResponseKind = 'single';

  constructor(script: Array<readonly [string, Pop3ResponseKind]>) {
    this.#script = [...script];
    this.#parser.expect('single'); // the greeting
  }

  receiveData(data: Uint8Array): void {
    this.received += data.length;
    this.#parser.receiveData(data);
    for (let ev = this.#parser.nextEvent(); ev !== null; ev = this.#parser.nextEvent()) {
      this.responses.push(ev);
      const complete = ev.type === 'end' || (ev.type === 'status' && !this.#inBody(ev));
      if (complete) this.#sendNext();
    }
  }

  takeOutput(): Buffer {
    const out = Buffer.concat(this.#output);
    this.#output = [];
    return out;
  }

  #inBody(ev: Pop3ResponseEvent & { type: 'status' }): boolean {
    return ev.ok && this.#kind === 'multi';
  }

  #sendNext(): void {
    const next = this.#script.shift();
    if (next === undefined) return;
    const [line, kind] = next;
    this.#kind = kind;
    this.#parser.expect(kind);
    this.#output.push(Buffer.from(`${line}\r\n`));
  }
}

test('pump() runs a POP3 client session against the server session in memory to the end', () => {
  const serverEvents: string[] = [];
  const server = pop3Server(serverEvents);
  const client = new ScriptedPop3Client([
    ['USER demo', 'single'],
    ['PASS secret', 'single'],
    ['STAT', 'single'],
    ['LIST', 'multi'],
    ['DELE 1', 'single'],
    ['QUIT', 'single'],
  ]);
  const moved = pump(client, server);
  const summary = client.responses.map((r) =>
    r.type === 'status'
      ? `${r.ok ? '+OK' : '-ERR'} ${r.text}`
      : r.type === 'data'
        ? `data ${r.chunk}`
        : r.type,
  );
  assert.deepEqual(summary, [
    '+OK polyport ready.',
    '+OK ',
    '+OK Logged in.',
    '+OK 2 30',
    '+OK 2 messages:',
    'data 1 10\r\n2 20\r\n',
    'end',
    '+OK Marked to be deleted.',
    '+OK Logging out, messages deleted.',
  ]);
  assert.deepEqual(serverEvents, ['login', 'commit-deletions', 'quit']);
  // Every byte both ways, counted once: the commands and the server's responses.
  const sent = 'USER demo\r\nPASS secret\r\nSTAT\r\nLIST\r\nDELE 1\r\nQUIT\r\n'.length;
  assert.equal(moved, sent + client.received);
});

test('pump() returns the bytes moved both ways and stops when neither end has output', () => {
  // A countdown: each side answers a number with the number less one, down to 0.
  const counter = (name: string, start: string | null, heard: string[]): PumpEnd => {
    let out = start === null ? '' : `${start}\n`;
    return {
      receiveData(data) {
        for (const line of Buffer.from(data).toString().split('\n').filter(Boolean)) {
          heard.push(`${name} ${line}`);
          const n = Number(line);
          if (n > 0) out += `${n - 1}\n`;
        }
      },
      takeOutput() {
        const bytes = Buffer.from(out);
        out = '';
        return bytes;
      },
    };
  };
  const heard: string[] = [];
  const moved = pump(counter('server', null, heard), counter('client', '10', heard));
  assert.deepEqual(heard, [
    'server 10',
    'client 9',
    'server 8',
    'client 7',
    'server 6',
    'client 5',
    'server 4',
    'client 3',
    'server 2',
    'client 1',
    'server 0',
  ]);
  assert.equal(moved, '10\n'.length + 10 * 2);
});

test('pump() of two silent ends moves nothing and returns 0', () => {
  const silent: PumpEnd = { receiveData() {}, takeOutput: () => Buffer.alloc(0) };
  assert.equal(pump(silent, silent), 0);
});

test('pump() throws when the two ends never stop answering each other', () => {
  const chatty: PumpEnd = { receiveData() {}, takeOutput: () => Buffer.from('x') };
  assert.throws(() => pump(chatty, chatty, { maxRounds: 5 }), /still talking after 5 rounds/);
  assert.throws(() => pump(chatty, chatty, { maxRounds: 0 }), RangeError);
});
