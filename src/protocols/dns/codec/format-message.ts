/**
 * A dig-style text rendering of a message, for `polyport dig` and for debugging.
 */
import {
  classToString,
  EdnsOption,
  opcodeToString,
  rcodeToString,
  typeToString,
} from './constants.js';
import type { DnsMessage, Edns } from './message.js';
import { formatRecord, fqdn } from './presentation.js';
import type { DnsRecord } from './rdata.js';

/**
 * Formats a message the way dig prints one: the header line, the flags line with section
 * counts, the OPT pseudosection, then each non-empty section in presentation form.
 *
 * @param message the message.
 * @returns multi-line text ending in a newline.
 * @example
 * console.log(formatMessage(decodeMessage(reply)));
 * // ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1234
 * // ;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
 */
export function formatMessage(message: DnsMessage): string {
  const lines: string[] = [];
  lines.push(
    `;; ->>HEADER<<- opcode: ${opcodeToString(message.opcode)}, status: ${rcodeToString(message.rcode)}, id: ${message.id}`,
  );
  const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => message[f]);
  const additional = message.additionals.length + (message.edns === null ? 0 : 1);
  lines.push(
    `;; flags: ${flags.join(' ')}; QUERY: ${message.questions.length}, ANSWER: ${message.answers.length}, AUTHORITY: ${message.authorities.length}, ADDITIONAL: ${additional}`,
  );
  if (message.edns !== null) {
    lines.push('', ';; OPT PSEUDOSECTION:', ...formatEdns(message.edns));
  }
  if (message.questions.length > 0) {
    lines.push('', ';; QUESTION SECTION:');
    for (const q of message.questions) {
      lines.push(`;${fqdn(q.name)}\t\t${classToString(q.class)}\t${typeToString(q.type)}`);
    }
  }
  section(lines, 'ANSWER', message.answers);
  section(lines, 'AUTHORITY', message.authorities);
  section(lines, 'ADDITIONAL', message.additionals);
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string, records: readonly DnsRecord[]): void {
  if (records.length === 0) return;
  lines.push('', `;; ${title} SECTION:`);
  for (const r of records) lines.push(formatRecord(r));
}

function formatEdns(edns: Edns): string[] {
  const out = [
    `; EDNS: version: ${edns.version}, flags:${edns.dnssecOk ? ' do' : ''}; udp: ${edns.udpPayloadSize}`,
  ];
  for (const option of edns.options) {
    const hex = Buffer.from(
      option.data.buffer,
      option.data.byteOffset,
      option.data.length,
    ).toString('hex');
    if (option.code === EdnsOption.COOKIE) out.push(`; COOKIE: ${hex}`);
    else if (option.code === EdnsOption.NSID) out.push(`; NSID: ${hex}`);
    else if (option.code === EdnsOption.PADDING) out.push(`; PAD: (${option.data.length} bytes)`);
    else out.push(`; OPT=${option.code}: ${hex}`);
  }
  return out;
}
