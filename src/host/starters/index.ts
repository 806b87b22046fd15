/**
 * Every service polyport can start, in start-up order: the glue between a service's config
 * table and its protocol's start function. Every protocol plugs in here.
 */
import { dnsStarter } from './dns-starter.js';
import { fingerStarter } from './finger-starter.js';
import { ftpStarter } from './ftp-starter.js';
import { adminStarter, httpStarter, httpsStarter } from './http-starters.js';
import { pop3Starter, smtpStarter } from './mail-starters.js';
import { SMALL_STARTERS } from './small-starters.js';
import type { ServiceStarter } from './start-context.js';

export * from './start-context.js';

/** The starters, in start-up (and listing) order. */
export const STARTERS: ReadonlyArray<readonly [string, ServiceStarter]> = [
  ['admin', adminStarter],
  ...SMALL_STARTERS,
  ['ftp', ftpStarter],
  ['smtp', smtpStarter],
  ['dns', dnsStarter],
  ['finger', fingerStarter],
  ['http', httpStarter],
  ['pop3', pop3Starter],
  ['https', httpsStarter],
];
