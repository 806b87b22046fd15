/**
 * What `polyport mail` does once its command line is read (cli.ts): sends a message over SMTP or
 * fetches the mailbox over POP3. A file of its own so that cli.ts answers `--help` and a bad
 * command line without loading the clients, TLS and the socket layer.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { lookup } from 'mime-types';
import type { SSLContext } from '../../socket/index.js';
import { type CliIO, clientTlsContext, EXIT, tlsHint } from '../common/index.js';
import type { MailOptions, MailRequest } from './cli.js';
import { Pop3Client } from './client/pop3-client.js';
import { SmtpClient } from './client/smtp-client.js';
import { composeMessage } from './codec/message/compose-message.js';
import { envelopeAddress } from './codec/message/encoded-words.js';
import { headerField } from './codec/message/header-field.js';
import { formatRfc5322Date } from './codec/smtp/received-header.js';

/**
 * Sends or fetches as `request` asks; a failure is reported on stderr in one line.
 * @param request the checked command line.
 * @param io the command's streams.
 * @returns {@link EXIT.OK} on success, {@link EXIT.FAILURE} when the server could not be
 *   reached or refused (a refused recipient included).
 * @example return mailAction(request, io);
 */
export async function mailAction(request: MailRequest, io: CliIO): Promise<number> {
  try {
    return request.action === 'send' ? await send(request, io) : await fetch(request, io);
  } catch (err) {
    io.stderr.write(`polyport mail ${request.action}: ${(err as Error).message}${tlsHint(err)}\n`);
    return EXIT.FAILURE;
  }
}

function tlsContext(v: MailOptions): SSLContext {
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
async function compose(input: Buffer, v: MailOptions): Promise<Buffer> {
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

async function send(request: MailRequest, io: CliIO): Promise<number> {
  const v = request.options;
  const message = await compose(await readInput(request.file, io), v);
  const { host, port } = request.server;
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

async function fetch(request: MailRequest, io: CliIO): Promise<number> {
  const v = request.options;
  const { host, port } = request.server;
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
