/** Drives a Pop3ServerSession over split input with an in-memory mailbox, for the POP3 tests. */
import {
  DotStuffer,
  type Pop3ServerEvent,
  type Pop3ServerOptions,
  Pop3ServerSession,
  verifyApop,
} from '../../../src/protocols/mail/index.js';

export const TIMESTAMP = '<1896.697170952@dbc.mtview.ca.us>';

export const MAILBOX: ReadonlyMap<string, string> = new Map([
  ['m1', 'Subject: one\r\n\r\nfirst body\r\n'],
  ['m2', 'Subject: two\r\nX: y\r\n\r\n.dot line\r\nsecond\r\nthird\r\n'],
  ['m3', 'No header end\r\n'],
]);

export interface Pop3Run {
  readonly events: string[];
  readonly output: string;
  readonly committed: string[] | null;
  readonly session: Pop3ServerSession;
}

/** Feeds `input` cut at `cuts`; password `secret` logs in, user `busy` finds the box in use. */
export function runPop3(
  input: string,
  cuts: readonly number[] = [],
  options: Pop3ServerOptions = { allowPlaintextAuth: true, apopTimestamp: TIMESTAMP },
): Pop3Run {
  const session = new Pop3ServerSession(options);
  const bytes = Buffer.from(input, 'latin1');
  const events: string[] = [];
  let output = '';
  let committed: string[] | null = null;
  const drain = (): void => {
    for (let ev: Pop3ServerEvent | null; (ev = session.nextEvent()) !== null; ) {
      events.push(ev.type === 'login' ? `login ${ev.mechanism} ${ev.username}` : ev.type);
      if (ev.type === 'login') {
        const good =
          ev.mechanism === 'APOP'
            ? verifyApop(ev.timestamp, 'secret', ev.digest)
            : ev.password === 'secret';
        if (!good) session.loginFailed();
        else if (ev.username === 'busy') session.mailboxInUse();
        else {
          session.loginSucceeded(
            [...MAILBOX].map(([id, text]) => ({ id, size: text.length, uid: `uid-${id}` })),
          );
        }
      } else if (ev.type === 'retrieve') {
        output += session.takeOutput().toString('latin1');
        const stuffer = new DotStuffer(
          ev.bodyLines === undefined ? {} : { bodyLines: ev.bodyLines },
        );
        const text = Buffer.from(MAILBOX.get(ev.id)!, 'latin1');
        // Stream in 3-byte pieces to exercise the encoder's chunk handling.
        for (let i = 0; i < text.length && !stuffer.done; i += 3) {
          output += stuffer.push(text.subarray(i, i + 3)).toString('latin1');
        }
        output += stuffer.end().toString('latin1');
        session.retrieveDone();
      } else if (ev.type === 'commit-deletions') {
        committed = [...ev.ids];
        session.deletionsCommitted(true);
      }
    }
    output += session.takeOutput().toString('latin1');
  };
  drain();
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    session.receiveData(bytes.subarray(at, cut));
    at = cut;
    drain();
  }
  return { events, output, committed, session };
}
