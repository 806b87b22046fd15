/**
 * The built-in sample zone for `example.test` (RFC 6761 reserves `.test`), served by
 * `polyport serve` when no zone is configured and used throughout the DNS tests.
 */
import { Zone } from './zone.js';

/** The sample zone's apex. */
export const SAMPLE_ORIGIN = 'example.test';

/**
 * The sample zone as master-file text. Its comments point out the features each line shows.
 *
 * @example
 * const zone = Zone.fromText(SAMPLE_ZONE, { origin: SAMPLE_ORIGIN });
 */
export const SAMPLE_ZONE = `; Sample zone for polyport's DNS server. Lines starting with ';' are comments.
$ORIGIN example.test.     ; names below without a final dot are relative to this
$TTL 300                  ; default TTL for records that give none (RFC 2308)

; '@' is the origin. The SOA fields: primary server, mailbox (hostmaster@example.test),
; serial, refresh, retry, expire, and the negative-caching TTL (RFC 2308).
@            IN  SOA   ns1 hostmaster (
                       1       ; serial
                       3600    ; refresh
                       600     ; retry
                       86400   ; expire
                       300 )   ; minimum: how long resolvers cache NXDOMAIN and NODATA
             IN  NS    ns1     ; owner omitted: a line starting with blanks repeats '@'
             IN  A     127.0.0.1
             IN  MX    10 mail
             IN  TXT   "v=spf1 -all"
             IN  CAA   0 issue "example.test"

ns1          IN  A     127.0.0.1
www          IN  A     127.0.0.1
mail         IN  A     127.0.0.1
www     3600 IN  AAAA  ::1     ; an explicit TTL overrides $TTL
alias        IN  CNAME www     ; answers for alias follow the CNAME to www

; SRV (RFC 2782): priority, weight, port, target. The name creates _tcp as an empty
; non-terminal: it exists (NODATA) even though it owns no records.
_http._tcp   IN  SRV   0 5 10080 www

; A wildcard (RFC 4592): any name below wild.example.test gets this address,
; unless that name exists on its own.
*.wild       IN  A     127.0.0.2

; Twenty strings of 60 characters: the answer exceeds 512 bytes, so over UDP without
; EDNS it comes back truncated (TC=1) and the client retries over TCP.
big          IN  TXT   (
                  "string 01 of the big TXT record, padded to sixty chars xxxxx"
                  "string 02 of the big TXT record, padded to sixty chars xxxxx"
                  "string 03 of the big TXT record, padded to sixty chars xxxxx"
                  "string 04 of the big TXT record, padded to sixty chars xxxxx"
                  "string 05 of the big TXT record, padded to sixty chars xxxxx"
                  "string 06 of the big TXT record, padded to sixty chars xxxxx"
                  "string 07 of the big TXT record, padded to sixty chars xxxxx"
                  "string 08 of the big TXT record, padded to sixty chars xxxxx"
                  "string 09 of the big TXT record, padded to sixty chars xxxxx"
                  "string 10 of the big TXT record, padded to sixty chars xxxxx"
                  "string 11 of the big TXT record, padded to sixty chars xxxxx"
                  "string 12 of the big TXT record, padded to sixty chars xxxxx"
                  "string 13 of the big TXT record, padded to sixty chars xxxxx"
                  "string 14 of the big TXT record, padded to sixty chars xxxxx"
                  "string 15 of the big TXT record, padded to sixty chars xxxxx"
                  "string 16 of the big TXT record, padded to sixty chars xxxxx"
                  "string 17 of the big TXT record, padded to sixty chars xxxxx"
                  "string 18 of the big TXT record, padded to sixty chars xxxxx"
                  "string 19 of the big TXT record, padded to sixty chars xxxxx"
                  "string 20 of the big TXT record, padded to sixty chars xxxxx"
                 )

; A delegation: sub.example.test is served by other servers. Queries at or below it get a
; referral (NS in authority, AA clear); the address of ns.sub is glue, sent in additional.
sub          IN  NS    ns.sub
ns.sub       IN  A     127.0.0.3
`;

/** Options for {@link sampleZone}. */
export interface SampleZoneOptions {
  /**
   * The port the `_http._tcp` SRV record names (default 10080): `polyport serve` gives its HTTP
   * port, so the record follows `portOffset`.
   */
  readonly httpPort?: number;
}

/**
 * Builds the sample zone.
 *
 * @param options the HTTP port its SRV record names.
 * @returns a fresh {@link Zone} for `example.test`.
 * @throws {RangeError} when `httpPort` is not a port number (0-65535).
 * @example
 * sampleZone().soa.data.serial; // 1
 * sampleZone({ httpPort: 40080 }); // _http._tcp SRV 0 5 40080 www
 */
export function sampleZone(options: SampleZoneOptions = {}): Zone {
  const port = options.httpPort ?? 10080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`sampleZone: httpPort must be 0-65535, got ${port}`);
  }
  const text = SAMPLE_ZONE.replace('SRV   0 5 10080 www', `SRV   0 5 ${port} www`);
  return Zone.fromText(text, { origin: SAMPLE_ORIGIN, file: 'sample-zone' });
}
