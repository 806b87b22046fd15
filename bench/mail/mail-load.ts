/**
 * The load generator of the mail benchmark, in its own process: CLIENTS SMTP connections each
 * send SIZE-byte messages to their own user for SECONDS, then CLIENTS POP3 sessions each
 * retrieve (streamed, read to the end) and delete everything in their mailbox.
 * Usage: mail-load.ts SMTP_PORT POP3_PORT SIZE CLIENTS SECONDS
 * Prints one JSON line: { sent, sendSeconds, retrieved, retrieveSeconds, bytes }.
 */
import { Pop3Client, SmtpClient } from '../../dist/protocols/mail/index.js';

const [smtpPort, pop3Port, size, clients, seconds] = process.argv.slice(2).map(Number);
if (!smtpPort || !pop3Port || !size || !clients || !seconds) {
  process.stderr.write('usage: mail-load.ts SMTP_PORT POP3_PORT SIZE CLIENTS SECONDS\n');
  process.exit(2);
}

/** A message of `size` bytes: a header and 76-character lines, some starting with a dot. */
function makeMessage(bytes: number): Buffer {
  const header = 'From: load@client.example\r\nSubject: bench\r\n\r\n';
  const line = `.${'x'.repeat(74)}\r\n`;
  const body = line.repeat(Math.max(1, Math.ceil((bytes - header.length) / line.length)));
  return Buffer.from(header + body).subarray(0, bytes);
}

const message = Buffer.concat([makeMessage(size - 2), Buffer.from('\r\n')]);

async function sender(i: number, deadline: number): Promise<number> {
  const smtp = await SmtpClient.connect('127.0.0.1', smtpPort!, { timeout: 60 });
  await smtp.ehlo('load.example');
  let sent = 0;
  while (Date.now() < deadline) {
    await smtp.sendMail('load@client.example', [`bench${i}@example.test`], message);
    sent++;
  }
  await smtp.quit();
  return sent;
}

async function reader(i: number): Promise<{ count: number; bytes: number }> {
  const pop = await Pop3Client.connect('127.0.0.1', pop3Port!, { timeout: 60 });
  await pop.login(`bench${i}`, 'bench');
  let count = 0;
  let bytes = 0;
  for (const { number } of await pop.list()) {
    for await (const chunk of await pop.retr(number)) bytes += (chunk as Buffer).length;
    await pop.dele(number);
    count++;
  }
  await pop.quit();
  return { count, bytes };
}

const ids = Array.from({ length: clients! }, (_, i) => i);
const sendStart = performance.now();
const sentCounts = await Promise.all(ids.map((i) => sender(i, Date.now() + seconds! * 1000)));
const sendSeconds = (performance.now() - sendStart) / 1000;
const readStart = performance.now();
const read = await Promise.all(ids.map((i) => reader(i)));
const retrieveSeconds = (performance.now() - readStart) / 1000;
process.stdout.write(
  `${JSON.stringify({
    sent: sentCounts.reduce((a, b) => a + b, 0),
    sendSeconds,
    retrieved: read.reduce((a, r) => a + r.count, 0),
    retrieveSeconds,
    bytes: read.reduce((a, r) => a + r.bytes, 0),
  })}\n`,
);
