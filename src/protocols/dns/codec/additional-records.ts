/**
 * Additional-section processing (RFC 1034 §4.3.2 step 6, RFC 2782, RFC 9471): the addresses of
 * the hosts that NS, MX and SRV records name, when this zone holds them.
 */
import { RRType } from './constants.js';
import { canonicalName } from './name.js';
import type { DnsRecord } from './rdata.js';
import type { Zone } from './zone.js';

/**
 * Collects the A and AAAA records of the targets named in the answer and authority sections.
 * Data below a delegation point is only used as glue for NS targets; addresses already in the
 * answer are not repeated.
 *
 * @param zone the zone answering.
 * @param answers the answer section.
 * @param authorities the authority section.
 * @param referral whether this is a referral (its glue comes from below the cut).
 * @returns the additional section (without OPT).
 * @example
 * addAdditionals(zone, [mxRecord], [], false); // mail's A/AAAA records
 */
export function addAdditionals(
  zone: Zone,
  answers: readonly DnsRecord[],
  authorities: readonly DnsRecord[],
  referral: boolean,
): DnsRecord[] {
  const out: DnsRecord[] = [];
  if (!answers.some(namesHost) && !authorities.some(namesHost)) return out;
  const done = new Set<string>();
  for (const r of answers) done.add(`${canonicalName(r.name)}/${r.type}`);
  const visit = (records: readonly DnsRecord[]): void => {
    for (const r of records) {
      let target: string;
      if (r.data.kind === 'NS') target = r.data.target;
      else if (r.data.kind === 'MX') target = r.data.exchange;
      else if (r.data.kind === 'SRV') target = r.data.target;
      else continue;
      const key = canonicalName(target);
      if (!zone.contains(key)) continue;
      if (!(referral || r.data.kind === 'NS') && zone.findCut(key) !== undefined) continue;
      for (const type of [RRType.A, RRType.AAAA]) {
        const id = `${key}/${type}`;
        if (done.has(id)) continue;
        done.add(id);
        const rrset = zone.get(key, type);
        if (rrset !== undefined) out.push(...rrset);
      }
    }
  };
  visit(answers);
  visit(authorities);
  return out;
}

function namesHost(r: DnsRecord): boolean {
  return r.type === RRType.NS || r.type === RRType.MX || r.type === RRType.SRV;
}
