import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createQuery,
  type DnsMessage,
  parseZone,
  RRClass,
  RRType,
  responseTo,
  scrubResponse,
} from '../../../src/protocols/dns/index.js';

/** A response to `name`/`type` with sections written as zone text (absolute names). */
function response(
  name: string,
  type: number,
  sections: { answers?: string; authorities?: string; additionals?: string },
): DnsMessage {
  const records = (text: string | undefined) =>
    text === undefined ? [] : parseZone(text, { origin: '.' });
  return {
    ...responseTo(createQuery(name, type)),
    answers: records(sections.answers),
    authorities: records(sections.authorities),
    additionals: records(sections.additionals),
  };
}

const names = (records: DnsMessage['answers']): string[] =>
  records.map((r) => `${r.name}/${r.type}`);

test('scrubResponse() returns the same object when every record is relevant', () => {
  const clean = response('www.a.test', RRType.A, {
    answers: 'www.a.test. 60 IN A 192.0.2.1',
    authorities: 'a.test. 60 IN NS ns.a.test.',
    additionals: 'ns.a.test. 60 IN A 192.0.2.53',
  });
  assert.equal(scrubResponse(clean), clean);
});

test('scrubResponse() follows a CNAME chain in any order and stops at a loop', () => {
  const scrubbed = scrubResponse(
    response('one.a.test', RRType.A, {
      answers: `three.c.test. 60 IN A 192.0.2.3
two.b.test. 60 IN CNAME three.c.test.
one.a.test. 60 IN CNAME two.b.test.
three.c.test. 60 IN CNAME one.a.test.
four.d.test. 60 IN A 192.0.2.4`,
    }),
  );
  assert.deepEqual(names(scrubbed.answers), [
    'three.c.test/1',
    'two.b.test/5',
    'one.a.test/5',
    'three.c.test/5',
  ]);
});

test('scrubResponse() drops other types and classes, keeps every type for ANY', () => {
  const mixed = {
    answers: `www.a.test. 60 IN A 192.0.2.1
www.a.test. 60 IN TXT "x"`,
  };
  // The same A record in another class (CH) than the question's.
  const withChaos = (message: DnsMessage): DnsMessage => ({
    ...message,
    answers: [...message.answers, { ...message.answers[0]!, class: RRClass.CH }],
  });
  const a = scrubResponse(withChaos(response('www.a.test', RRType.A, mixed)));
  assert.deepEqual(names(a.answers), ['www.a.test/1']);
  assert.equal(a.answers[0]?.class, RRClass.IN);
  const any = scrubResponse(withChaos(response('www.a.test', RRType.ANY, mixed)));
  assert.deepEqual(names(any.answers), ['www.a.test/1', 'www.a.test/16']);
});

test('scrubResponse() keeps authority NS and SOA at or above the answered name only', () => {
  const scrubbed = scrubResponse(
    response('x.sub.a.test', RRType.A, {
      authorities: `sub.a.test. 60 IN SOA ns.a.test. h.a.test. 1 2 3 4 5
a.test. 60 IN NS ns.a.test.
other.a.test. 60 IN NS ns.a.test.
b.test. 60 IN NS ns.b.test.
x.sub.a.test. 60 IN A 192.0.2.66`,
      additionals: `ns.a.test. 60 IN A 192.0.2.53
ns.b.test. 60 IN A 192.0.2.66`,
    }),
  );
  assert.deepEqual(names(scrubbed.authorities), ['sub.a.test/6', 'a.test/2']);
  assert.deepEqual(names(scrubbed.additionals), ['ns.a.test/1']);
});

test('scrubResponse() keeps no record of a response without exactly one question', () => {
  const two = response('www.a.test', RRType.A, { answers: 'www.a.test. 60 IN A 192.0.2.1' });
  const q = two.questions[0]!;
  for (const questions of [[], [q, q]]) {
    const scrubbed = scrubResponse({ ...two, questions });
    assert.equal(scrubbed.answers.length, 0);
  }
});
