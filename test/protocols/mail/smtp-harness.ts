/** Drives an SmtpServerSession over split input with a scripted decider, for the SMTP tests. */
import {
  type SmtpServerEvent,
  type SmtpServerOptions,
  SmtpServerSession,
} from '../../../src/protocols/mail/index.js';

export interface SmtpRun {
  /** Events in order, with the content of all `data` events joined into one `data` entry. */
  readonly events: string[];
  readonly output: string;
  readonly content: string;
  readonly session: SmtpServerSession;
}

export const baseOptions: SmtpServerOptions = { hostname: 'mx.example.test' };

/** Feeds `input` cut at `cuts`, accepting recipients unless their local part is `nobody`. */
export function runSmtp(
  input: string | Buffer,
  cuts: readonly number[] = [],
  options: Partial<SmtpServerOptions> = {},
): SmtpRun {
  const session = new SmtpServerSession({ ...baseOptions, ...options });
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const events: string[] = [];
  const content: Buffer[] = [];
  let output = '';
  let at = 0;
  const drain = (): void => {
    for (let ev: SmtpServerEvent | null; (ev = session.nextEvent()) !== null; ) {
      if (ev.type === 'data') {
        content.push(ev.chunk);
        if (events[events.length - 1] !== 'data') events.push('data');
        continue;
      }
      events.push(describe(ev));
      if (ev.type === 'rcpt') {
        if (ev.to.localPart === 'nobody') session.refuseRecipient();
        else session.acceptRecipient();
      } else if (ev.type === 'data-end') session.acceptMessage();
      else if (ev.type === 'auth') {
        if (ev.password === 'secret') session.acceptAuth();
        else session.refuseAuth();
      }
    }
    output += session.takeOutput().toString('latin1');
  };
  drain();
  for (const cut of [...cuts, bytes.length]) {
    session.receiveData(bytes.subarray(at, cut));
    at = cut;
    drain();
  }
  return { events, output, content: Buffer.concat(content).toString('latin1'), session };
}

function describe(ev: SmtpServerEvent): string {
  switch (ev.type) {
    case 'helo':
      return `helo ${ev.domain}`;
    case 'mail':
      return `mail <${ev.from.address}>`;
    case 'rcpt':
      return `rcpt <${ev.to.address}>`;
    case 'data-start':
      return `data-start ${ev.recipients.length}`;
    case 'data-end':
      return `data-end ${ev.size}`;
    case 'data-abort':
      return `data-abort ${ev.reason}`;
    case 'auth':
      return `auth ${ev.username}`;
    case 'close':
      return `close ${ev.reason}`;
    default:
      return ev.type;
  }
}

/** The reply codes in `output`, last line of each reply only. */
export function codes(output: string): string[] {
  return output
    .split('\r\n')
    .filter((line) => /^\d{3}(?: |$)/.test(line))
    .map((line) => line.slice(0, 3));
}
