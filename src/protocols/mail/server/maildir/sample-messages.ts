/** Sample mail for the demo mailbox, so a fresh `polyport serve` has something to fetch. */

/**
 * The demo mailbox's address; its sample credentials are the glue's business.
 * @example
 * await store.maildir(DEMO_ADDRESS);
 */
export const DEMO_ADDRESS = 'demo@example.test';

const crlf = (lines: readonly string[]): string => `${lines.join('\r\n')}\r\n`;

/**
 * Three RFC 5322 messages for {@link DEMO_ADDRESS}, CRLF line endings. The second has lines
 * starting with dots, to show dot-stuffing on the wire; the third a longer body for TOP.
 *
 * @example
 * await store.seedIfEmpty(DEMO_ADDRESS, DEMO_MESSAGES);
 */
export const DEMO_MESSAGES: readonly string[] = [
  crlf([
    'Date: Mon, 02 Nov 2026 09:00:00 +0000',
    'From: polyport <postmaster@example.test>',
    `To: Demo User <${DEMO_ADDRESS}>`,
    'Subject: Welcome to polyport',
    'Message-ID: <welcome.1@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Hello,',
    '',
    'this mailbox is served by polyport over POP3 and fed by its SMTP server.',
    'Send more mail to demo@example.test on the SMTP port and fetch it here.',
  ]),
  crlf([
    'Date: Tue, 03 Nov 2026 10:30:00 +0000',
    'From: Alice <alice@example.test>',
    `To: ${DEMO_ADDRESS}`,
    'Subject: Lines that start with a dot',
    'Message-ID: <dots.2@example.test>',
    '',
    'The next lines begin with dots; POP3 and SMTP double them on the wire:',
    '.',
    '..',
    '.hidden',
    'The end.',
  ]),
  crlf([
    'Date: Wed, 04 Nov 2026 16:45:00 +0000',
    'From: Bob <bob@example.test>',
    `To: ${DEMO_ADDRESS}`,
    'Subject: Meeting notes',
    'Message-ID: <notes.3@example.test>',
    '',
    ...Array.from({ length: 12 }, (_, i) => `${i + 1}. Item number ${i + 1} of the agenda.`),
  ]),
];
