/**
 * The `stopCommand` contract, written once and run against every line-protocol session (SMTP,
 * POP3, FTP): a stopped command waits for `resumeStopped()`, the commands behind it wait too,
 * a reply given instead leaves the command without effect, and a command let go on runs as if
 * never stopped, asked once. Input whole and byte by byte gives the same result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StopCommand } from '../../../src/protocols/common/index.js';
import { FtpControlSession } from '../../../src/protocols/ftp/index.js';
import { Pop3ServerSession, SmtpServerSession } from '../../../src/protocols/mail/index.js';

/** What the contract needs of a session. */
interface Stoppable {
  receiveData(chunk: Uint8Array): unknown;
  nextEvent(): { readonly type: string } | null;
  takeOutput(): Buffer;
  resumeStopped(reply?: string): void;
}

interface Protocol {
  readonly name: string;
  make(stop: StopCommand): Stoppable;
  /** Answers the decisions other than `stopped` the way a permissive glue would. */
  decide(session: Stoppable, event: { readonly type: string }): void;
  /** Commands: the second is stopped; its effect shows in the third's reply. */
  readonly input: string;
  readonly stopped: string;
  /** A reply line for the stopped command. */
  readonly reply: string;
  /** The third command's reply when the second had its effect, and when it had none. */
  readonly withEffect: RegExp;
  readonly withoutEffect: RegExp;
}

const PROTOCOLS: readonly Protocol[] = [
  {
    name: 'SMTP',
    make: (stop) => new SmtpServerSession({ hostname: 'mx.example.test', stopCommand: stop }),
    decide: (s, ev) => {
      if (ev.type === 'rcpt') (s as SmtpServerSession).acceptRecipient();
    },
    input: 'EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<demo@example.test>\r\n',
    stopped: 'MAIL',
    reply: '451 4.3.0 try again later',
    withEffect: /^250 2\.1\.5 /m,
    withoutEffect: /^503 5\.5\.1 Error: need MAIL command/m,
  },
  {
    name: 'POP3',
    make: (stop) => new Pop3ServerSession({ allowPlaintextAuth: true, stopCommand: stop }),
    decide: (s, ev) => {
      if (ev.type === 'login') (s as Pop3ServerSession).loginSucceeded([]);
    },
    input: 'CAPA\r\nUSER demo\r\nPASS demo\r\n',
    stopped: 'USER',
    reply: '-ERR [SYS/TEMP] not now',
    withEffect: /^\+OK Logged in\./m,
    withoutEffect: /^-ERR No username given\./m,
  },
  {
    name: 'FTP',
    make: (stop) => new FtpControlSession({ stopCommand: stop }),
    decide: (s, ev) => {
      if (ev.type === 'login') (s as FtpControlSession).acceptLogin(['list']);
    },
    input: 'SYST\r\nUSER demo\r\nPASS demo\r\n',
    stopped: 'USER',
    reply: '421 closing on purpose',
    withEffect: /^230 /m,
    withoutEffect: /^503 /m,
  },
];

/**
 * Feeds `input` in `pieces`, answering every decision but `stopped`, which `onStop` answers.
 * @returns the output and the verbs asked about, in order.
 */
function drive(
  protocol: Protocol,
  pieces: readonly string[],
  stopVerb: string,
  onStop: (session: Stoppable) => void,
): { output: string; asked: string[]; stops: number } {
  const asked: string[] = [];
  let stops = 0;
  const session = protocol.make((verb) => {
    asked.push(verb);
    return verb === stopVerb;
  });
  let output = session.takeOutput().toString();
  const pump = (): void => {
    for (let ev = session.nextEvent(); ev !== null; ev = session.nextEvent()) {
      if (ev.type === 'stopped') {
        stops++;
        // Nothing behind the stopped command runs until it is resumed.
        assert.equal(session.nextEvent(), null);
        onStop(session);
      } else protocol.decide(session, ev);
    }
    output += session.takeOutput().toString();
  };
  for (const piece of pieces) {
    session.receiveData(Buffer.from(piece));
    pump();
  }
  return { output, asked, stops };
}

const splits = (input: string): Array<readonly string[]> => [[input], [...input]];

for (const protocol of PROTOCOLS) {
  describe(`${protocol.name} session stopCommand`, () => {
    test('a reply given instead is sent in the command’s place, and the command has no effect', () => {
      for (const pieces of splits(protocol.input)) {
        const run = drive(protocol, pieces, protocol.stopped, (s) =>
          s.resumeStopped(protocol.reply),
        );
        assert.equal(run.stops, 1);
        assert.ok(run.output.includes(`${protocol.reply}\r\n`), run.output);
        assert.match(run.output, protocol.withoutEffect);
        assert.doesNotMatch(run.output, protocol.withEffect);
      }
    });

    test('a command let go on runs as if never stopped, and is asked about once', () => {
      const plain = drive(protocol, [protocol.input], '', () => assert.fail('nothing stops'));
      for (const pieces of splits(protocol.input)) {
        const run = drive(protocol, pieces, protocol.stopped, (s) => s.resumeStopped());
        assert.equal(run.output, plain.output);
        assert.match(run.output, protocol.withEffect);
        assert.deepEqual(run.asked, plain.asked);
        assert.equal(run.asked.filter((v) => v === protocol.stopped).length, 1);
      }
    });

    test('resumeStopped() without a stopped command throws', () => {
      const session = protocol.make(() => false);
      assert.throws(() => session.resumeStopped(), /no command decision is pending/);
    });
  });
}
