/**
 * `scrubResponse`: keeps of an upstream's response only what is relevant to its question, so a
 * lying or compromised upstream cannot plant records for other names in a forwarder's cache or
 * in its clients' (the "bailiwick" rule of RFC 2181 §5.4.1 and unbound's scrubber).
 */
import { RRType } from './constants.js';
import type { DnsMessage } from './message.js';
import { canonicalName, isSubdomain } from './name.js';
import type { DnsRecord } from './rdata.js';

/**
 * The response with every record that does not bear on its question removed:
 * - answer: records owned by the question name or a name in the CNAME chain that starts there
 *   (followed in the section, loops cut), of the question's class, of the question's type (any
 *   type for ANY), CNAME or RRSIG;
 * - authority: SOA and NS whose owner is the chain's last name or an ancestor of it (the zone
 *   that answers it), and NSEC, NSEC3 and RRSIG at or under such an owner;
 * - additional: A and AAAA of a name that a kept NS, MX or SRV record points to, at or under the
 *   chain's last name or a kept authority owner — glue for another zone is dropped.
 * A response without exactly one question keeps no records at all. Pure.
 *
 * @param response an upstream's decoded response.
 * @returns the scrubbed response (the same object when nothing had to go).
 * @example
 * const clean = scrubResponse(decodeMessage(upstreamReply));
 * cache.storeResponse(clean);
 */
export function scrubResponse(response: DnsMessage): DnsMessage {
  const question = response.questions[0];
  if (question === undefined || response.questions.length !== 1) {
    return strip(response, [], [], []);
  }
  const klass = question.class;
  const chain = cnameChain(canonicalName(question.name), response.answers, klass);
  const last = chain[chain.length - 1]!;
  const owners = new Set(chain);
  const wanted = (type: number): boolean =>
    question.type === RRType.ANY ||
    type === question.type ||
    type === RRType.CNAME ||
    type === RRType.RRSIG;
  const answers = response.answers.filter(
    (r) => r.class === klass && wanted(r.type) && owners.has(canonicalName(r.name)),
  );
  // The zones that may speak here: the one holding the last name and its ancestors.
  const zones = new Set<string>();
  const authorities: DnsRecord[] = [];
  for (const r of response.authorities) {
    if ((r.type === RRType.SOA || r.type === RRType.NS) && r.class === klass) {
      const owner = canonicalName(r.name);
      if (isSubdomain(last, owner)) {
        authorities.push(r);
        zones.add(owner);
      }
    }
  }
  const inZone = (name: string): boolean => {
    for (const zone of zones) if (isSubdomain(name, zone)) return true;
    return false;
  };
  for (const r of response.authorities) {
    const proof = r.type === RRType.NSEC || r.type === RRType.NSEC3 || r.type === RRType.RRSIG;
    if (proof && inZone(canonicalName(r.name))) authorities.push(r);
  }
  const targets = new Set<string>();
  for (const r of [...answers, ...authorities]) {
    const target = pointsTo(r);
    if (target !== null) targets.add(canonicalName(target));
  }
  const additionals = response.additionals.filter((r) => {
    if (r.type !== RRType.A && r.type !== RRType.AAAA) return false;
    const owner = canonicalName(r.name);
    return targets.has(owner) && (isSubdomain(owner, last) || inZone(owner));
  });
  return strip(response, answers, authorities, additionals);
}

/**
 * The question name and the CNAME targets that follow from it in `answers`, in order: a record
 * that does not continue the chain from its current end extends nothing.
 */
function cnameChain(qname: string, answers: readonly DnsRecord[], klass: number): string[] {
  const chain = [qname];
  const seen = new Set(chain);
  // Each step consumes one CNAME, so the section's length bounds the walk.
  for (let step = 0; step < answers.length; step++) {
    const end = chain[chain.length - 1]!;
    const next = answers.find(
      (r) => r.data.kind === 'CNAME' && r.class === klass && canonicalName(r.name) === end,
    );
    if (next === undefined || next.data.kind !== 'CNAME') break;
    const target = canonicalName(next.data.target);
    if (seen.has(target)) break;
    seen.add(target);
    chain.push(target);
  }
  return chain;
}

/** The host name a record sends a resolver to next, whose address the additional may give. */
function pointsTo(r: DnsRecord): string | null {
  switch (r.data.kind) {
    case 'NS':
      return r.data.target;
    case 'MX':
      return r.data.exchange;
    case 'SRV':
      return r.data.target;
    default:
      return null;
  }
}

function strip(
  response: DnsMessage,
  answers: readonly DnsRecord[],
  authorities: readonly DnsRecord[],
  additionals: readonly DnsRecord[],
): DnsMessage {
  const unchanged =
    answers.length === response.answers.length &&
    authorities.length === response.authorities.length &&
    additionals.length === response.additionals.length;
  if (unchanged) return response;
  return { ...response, answers, authorities, additionals };
}
