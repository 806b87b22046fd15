/**
 * Reads the llhttp-style Markdown parser fixtures in test/fixtures/http/ and replays them.
 *
 * A fixture is a `##` section: prose, then a ```request or ```response block with the raw input
 * (escapes `\r \n \t \\ \xHH` are written visibly; the block's own line breaks are ignored), an
 * optional ```json block of options, and a ```log block with the expected events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestParser } from '../../../../src/protocols/http/codec/request-parser.js';
import { ResponseParser } from '../../../../src/protocols/http/codec/response-parser.js';

/** One parsed fixture. */
export interface Fixture {
  readonly file: string;
  readonly title: string;
  readonly kind: 'request' | 'response';
  readonly input: Buffer;
  readonly options: FixtureOptions;
  readonly log: string[];
}

/** Parser limits plus, for responses, the request methods and whether the peer closes. */
export interface FixtureOptions {
  readonly maxStartLineLength?: number;
  readonly maxHeaderBytes?: number;
  readonly maxHeaderCount?: number;
  readonly maxBodySize?: number;
  readonly maxChunkExtensionLength?: number;
  readonly methods?: string[];
  readonly close?: boolean;
}

const FIXTURES = new URL('../../../fixtures/http/', import.meta.url).pathname;
const BLOCK = /```(\w+)\n([\s\S]*?)```/g;

/** Loads every fixture of every Markdown file in test/fixtures/http/. */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    for (const section of text.split(/^## /m).slice(1)) {
      const title = section.slice(0, section.indexOf('\n')).trim();
      let kind: 'request' | 'response' | null = null;
      let input: Buffer = Buffer.alloc(0);
      let options: FixtureOptions = {};
      let log: string[] | null = null;
      for (const m of section.matchAll(BLOCK)) {
        const [, lang, body] = m as unknown as [string, string, string];
        if (lang === 'request' || lang === 'response') {
          kind = lang;
          input = decodeVisibleEscapes(body);
        } else if (lang === 'json') options = JSON.parse(body) as FixtureOptions;
        else if (lang === 'log') log = body.split('\n').filter((l) => l.trim() !== '');
      }
      if (kind === null || log === null) throw new Error(`${file}: "${title}" lacks input or log`);
      out.push({ file, title, kind, input, options, log });
    }
  }
  return out;
}

/** Interprets the visible escapes; real line breaks in the block are layout only. */
export function decodeVisibleEscapes(block: string): Buffer {
  const bytes: number[] = [];
  const text = block.replace(/\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const e = text[++i];
    if (e === 'r') bytes.push(0x0d);
    else if (e === 'n') bytes.push(0x0a);
    else if (e === 't') bytes.push(0x09);
    else if (e === '\\') bytes.push(0x5c);
    else if (e === 'x') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`unknown escape \\${e}`);
  }
  return Buffer.from(bytes);
}

/** Feeds `input` cut at `cuts` and returns the normalized event log. */
export function replay(fixture: Fixture, cuts: readonly number[]): string[] {
  const { options } = fixture;
  const parser =
    fixture.kind === 'request' ? new RequestParser(options) : new ResponseParser(options);
  if (parser instanceof ResponseParser) {
    for (const method of options.methods ?? []) parser.requestSent(method);
  }
  const log: string[] = [];
  let data = '';
  const drain = (): void => {
    for (let ev = parser.nextEvent(); ev !== null; ev = parser.nextEvent()) {
      if (ev.type === 'data') {
        data += ev.data.toString('latin1');
        continue;
      }
      if (data !== '') log.push(`data ${JSON.stringify(data)}`);
      data = '';
      log.push(...describe(ev));
    }
  };
  let at = 0;
  for (const cut of [...cuts, fixture.input.length]) {
    parser.receiveData(fixture.input.subarray(at, cut));
    at = cut;
    drain();
  }
  if (options.close === true) {
    parser.connectionClosed();
    drain();
  }
  if (data !== '') log.push(`data ${JSON.stringify(data)}`);
  const rest = parser.takeBuffered();
  if (rest.length > 0) log.push(`rest ${JSON.stringify(rest.toString('latin1'))}`);
  return log;
}

type AnyEvent = Exclude<
  ReturnType<RequestParser['nextEvent']> | ReturnType<ResponseParser['nextEvent']>,
  null
>;

/** One event as log lines. */
export function describe(ev: AnyEvent): string[] {
  switch (ev.type) {
    case 'request': {
      let line = `request ${ev.method} ${ev.target} HTTP/${ev.version} ${ev.targetForm}`;
      line += ` authority=${ev.authority} ${ev.keepAlive ? 'keep-alive' : 'close'}`;
      if (ev.expectContinue) line += ' expect-continue';
      line += ` body=${ev.bodyKind}`;
      if (ev.contentLength !== null) line += ` length=${ev.contentLength}`;
      return [line, ...[...ev.headers].map(([n, v]) => `header ${n}: ${v}`)];
    }
    case 'response': {
      let line = `response ${ev.status} ${JSON.stringify(ev.reason)} HTTP/${ev.version}`;
      line += ` ${ev.method} ${ev.keepAlive ? 'keep-alive' : 'close'} body=${ev.bodyKind}`;
      if (ev.contentLength !== null) line += ` length=${ev.contentLength}`;
      if (ev.transferCodings.length > 0) line += ` codings=${ev.transferCodings.join(',')}`;
      return [line, ...[...ev.headers].map(([n, v]) => `header ${n}: ${v}`)];
    }
    case 'informational':
      return [
        `informational ${ev.status} ${JSON.stringify(ev.reason)} HTTP/${ev.version}`,
        ...[...ev.headers].map(([n, v]) => `header ${n}: ${v}`),
      ];
    case 'end':
      return ['end', ...[...ev.trailers].map(([n, v]) => `trailer ${n}: ${v}`)];
    case 'error':
      return ['status' in ev ? `error ${ev.status} ${ev.reason}` : `error ${ev.reason}`];
    case 'data':
      return [`data ${JSON.stringify(ev.data.toString('latin1'))}`];
  }
}
