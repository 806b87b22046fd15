/**
 * `polyport mail send|fetch`: the SMTP and POP3 clients on the command line.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { lookup } from 'mime-types';
import type { SSLContext } from '../../socket/index.js';
import {
  type CliCommand,
  type CliIO,
  clientTlsContext,
  EXIT,
  type LocalServer,
  localServer,
  tlsHint,
  usageError,
} from '../common/index.js';
import { Pop3Client } from './client/pop3-client.js';
import { SmtpClient } from './client/smtp-client.js';
import { composeMessage } from './codec/message/compose-message.js';
import { envelopeAddress } from './codec/message/encoded-words.js';
import { headerField } from './codec/message/header-field.js';
import { formatRfc5322Date } from './codec/smtp/received-header.js';

const HELP = `Usage: polyport mail send --from ADDR --to ADDR [--to ADDR ...] [--subject S] [--attach FILE ...] [options] [FILE|-]
       polyport mail fetch [--user U --pass P] [--out DIR] [--delete] [options]

send   reads a message from FILE (or stdin, or '-') and sends it over SMTP. If the input does
       not begin with a header, or --subject or --attach is given, From/To/Subject/Date/
       Message-ID headers are written before it and the input is the body (UTF-8). Header
       text that is not ASCII (a subject, a name in 'Name <addr>') is sent as RFC 2047
       encoded words; each --attach FILE makes the message MIME multipart/mixed with the file
       as a base64 part.
fetch  logs in over POP3 and lists the messages, one per line with tabs between: number,
       size, unique id, From, Date, Subject (encoded words decoded); with
       --out DIR saves each one as DIR/<unique id>.eml, and with --delete (which needs --out)
       deletes what was saved.

  polyport mail send --from me@client.test --to demo@example.test --subject hi notes.txt
  polyport mail send --from 'Jöns <j@client.test>' --to demo@example.test \\
      --subject 'Grüße' --attach report.pdf --attach photo.jpg notes.txt
  echo hello | polyport mail send --from me@client.test --to demo@example.test
  polyport mail fetch --out ./inbox

Options:
  --server HOST:PORT   the server (send: 127.0.0.1:10025, fetch: 127.0.0.1:10110, the ports of
                       polyport serve, or where --config/--set/POLYPORT_PORT_OFFSET put them)
  --config FILE        find the local server in this config file, as polyport serve reads it
  --set KEY=VALUE      a config key, as for serve (repeatable): --set portOffset=40000
  -a, --attach FILE    send: attach FILE (repeatable; its type from its name)
  --tls                upgrade with STARTTLS (send) or STLS (fetch) before anything else
  --insecure           with --tls: do not check the server's certificate (self-signed labs)
  --cafile FILE        with --tls: trust the CA certificates in FILE (PEM)
  --user U, --pass P   send: log in with AUTH PLAIN (needs --tls); fetch: the mailbox login
                       (default demo/demo, only for a loopback server)
  -t, --timeout SECS   give up on a silent server after this long (default 30)
  -h, --help           show this help

Exit status: 0 on success, 1 when the server could not be reached or refused (a refused
recipient included), 2 for bad usage.
`;

type Values = ReturnType<typeof parse>['values'];

/** `polyport mail`. */
export const mailCommand: CliCommand = {
  name: 'mail',
  summary: 'send mail over SMTP, fetch it over POP3',
  help: HELP,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      return usageError(io, 'mail', err, HELP);
    }
    if (parsed.values.help) {
      io.stdout.write(HELP);
      return EXIT.OK;
    }
    try {
      return parsed.action === 'send'
        ? await send(parsed.values, parsed.file, io)
        : await fetch(parsed.values, io);
    } catch (err) {
      io.stderr.write(`polyport mail ${parsed.action}: ${(err as Error).message}${tlsHint(err)}\n`);
      return EXIT.FAILURE;
    }
  },
};

function parse(argv: readonly string[]) {
  const result = parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      to: { type: 'string', multiple: true },
      subject: { type: 'string' },
      attach: { type: 'string', short: 'a', multiple: true },
      server: { type: 'string' },
      tls: { type: 'boolean' },
      insecure: { type: 'boolean' },
      cafile: { type: 'string' },
      user: { type: 'string' },
      pass: { type: 'string' },
      out: { type: 'string' },
      delete: { type: 'boolean' },
      timeout: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [action, ...rest] = result.positionals;
  const v = result.values;
  if (v.help) return { values: v, action: 'send' as const, file: undefined };
  if (action !== 'send' && action !== 'fetch') {
    throw new Error(action === undefined ? 'say send or fetch' : `unknown action '${action}'`);
  }
  if (v.timeout !== undefined && !(Number(v.timeout) > 0)) {
    throw new Error(`--timeout must be a positive number of seconds, got '${v.timeout}'`);
  }
  if (v.server !== undefined) splitServer(v.server, 0);
  if ((v.user === undefined) !== (v.pass === undefined))
    throw new Error('give --user and --pass together');
  if (action === 'send') {
    if (v.from === undefined || v.to === undefined) throw new Error('send needs --from and --to');
    if (rest.length > 1) throw new Error('give one FILE at most');
    if (v.user !== undefined && !v.tls)
      throw new Error('--user needs --tls: passwords never go in the clear');
    for (const flag of ['out', 'delete'] as const) {
      if (v[flag] !== undefined) throw new Error(`--${flag} is for fetch`);
    }
    return { values: v, action, file: rest[0] };
  }
  if (rest.length > 0) throw new Error('fetch takes no FILE');
  if (v.delete && v.out === undefined)
    throw new Error('--delete needs --out: only saved mail is deleted');
  for (const flag of ['from', 'to', 'subject', 'attach'] as const) {
    if (v[flag] !== undefined) throw new Error(`--${flag} is for send`);
  }
  return { values: v, action, file: undefined };
}

/** `host:port`, with an IPv6 host in brackets, as --server takes it. */
function hostPort({ host, port }: LocalServer): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function splitServer(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(text);
  const port = Number(match?.[3] ?? defaultPort);
  if (match === null || port > 65535)
    throw new Error(`--server must be HOST[:PORT], got '${text}'`);
  return { host: match[1] ?? match[2]!, port };
}

function tlsContext(v: Values): SSLContext {
  return clientTlsContext({ insecure: v.insecure, cafile: v.cafile });
}

async function readInput(file: string | undefined, io: CliIO): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readFile(file);
  const parts: Buffer[] = [];
  for await (const chunk of io.stdin) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

/**
 * Puts headers before a bare body (with attachments, a MIME multipart message); a message that
 * already has headers is sent as it is.
 */
async function compose(input: Buffer, v: Values): Promise<Buffer> {
  const firstLine = input.subarray(0, 1000).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  const attach = v.attach ?? [];
  if (v.subject === undefined && attach.length === 0 && HEADER_LINE.test(firstLine)) return input;
  const now = new Date();
  const from = envelopeAddress(v.from ?? '');
  const id = `${now.getTime().toString(36)}.${process.pid}@${from.split('@')[1] || 'localhost'}`;
  const attachments = await Promise.all(
    attach.map(async (path) => ({
      name: basename(path),
      type: lookup(path) || 'application/octet-stream',
      data: await readFile(path),
    })),
  );
  return composeMessage({
    from: v.from ?? '',
    to: v.to ?? [],
    subject: v.subject ?? '',
    date: formatRfc5322Date(now),
    messageId: id,
    body: input,
    attachments,
    boundary: `polyport-${randomBytes(12).toString('hex')}`,
  });
}

async function send(v: Values, file: string | undefined, io: CliIO): Promise<number> {
  const message = await compose(await readInput(file, io), v);
  const { host, port } = splitServer(v.server ?? hostPort(localServer(io, 'smtp', 10025)), 25);
  const smtp = await SmtpClient.connect(host, port, { timeout: Number(v.timeout ?? 30) });
  try {
    await smtp.ehlo();
    if (v.tls) await smtp.starttls(tlsContext(v));
    if (v.user !== undefined) await smtp.authPlain(v.user, v.pass ?? '');
    const result = await smtp.sendMail(
      envelopeAddress(v.from ?? ''),
      (v.to ?? []).map(envelopeAddress),
      message,
    );
    const queued = [result.reply.enhanced ?? '', ...result.reply.lines].join(' ').trim();
    io.stdout.write(`sent to ${result.accepted.join(', ')}: ${result.reply.code} ${queued}\n`);
    for (const [address, reply] of result.refused) {
      io.stderr.write(
        `refused ${address}: ${reply.code} ${reply.enhanced ?? ''} ${reply.lines.join(' ')}\n`,
      );
    }
    await smtp.quit();
    return result.refused.size === 0 ? EXIT.OK : EXIT.FAILURE;
  } finally {
    smtp.close();
  }
}

async function fetch(v: Values, io: CliIO): Promise<number> {
  const { host, port } = splitServer(v.server ?? hostPort(localServer(io, 'pop3', 10110)), 110);
  const loopback = /^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);
  if (v.user === undefined && !loopback) {
    io.stderr.write(
      'polyport mail fetch: give --user and --pass (demo/demo is for loopback only)\n',
    );
    return EXIT.USAGE;
  }
  const pop = await Pop3Client.connect(host, port, { timeout: Number(v.timeout ?? 30) });
  try {
    if (v.tls) await pop.stls(tlsContext(v));
    await pop.login(v.user ?? 'demo', v.pass ?? 'demo');
    const sizes = await pop.list();
    const uids = new Map((await pop.uidl()).map((u) => [u.number, u.value]));
    if (v.out !== undefined) await mkdir(v.out, { recursive: true });
    for (const { number, value: size } of sizes) {
      const uid = uids.get(number) ?? String(number);
      if (v.out === undefined) {
        const head = (await pop.top(number, 0)).toString('utf8');
        const [from, date, subject] = ['From', 'Date', 'Subject'].map((name) =>
          headerField(head, name),
        );
        io.stdout.write(`${number}\t${size}\t${uid}\t${from}\t${date}\t${subject}\n`);
        continue;
      }
      // The uid may hold characters a file name should not (`/` from a digest never, but be sure).
      const path = join(v.out, `${uid.replace(/[^\w.,=-]/g, '_')}.eml`);
      const handle = await open(path, 'w');
      await pipeline(await pop.retr(number), handle.createWriteStream());
      if (v.delete) await pop.dele(number);
      io.stdout.write(`saved ${number} (${size} octets) to ${path}\n`);
    }
    if (sizes.length === 0) io.stdout.write('no messages\n');
    await pop.quit();
    return EXIT.OK;
  } finally {
    pop.close();
  }
}
