/**
 * Mail: SMTP delivers into one Maildir per user under `dataDir/mail`, POP3 reads them;
 * `polyport mail` sends and fetches.
 */
import { join } from 'node:path';
import {
  DEMO_MESSAGES,
  MaildirStore,
  mailCommand,
  startPop3Service,
  startSmtpService,
} from '../../protocols/mail/index.js';
import { isLoopbackAddress, isMailbox } from '../config/address-syntax.js';
import type { ConfigIssue } from '../config/config-error.js';
import { conflict, EXPECTED_USER, hasUser } from '../config/cross-check.js';
import type { Pop3ServiceConfig, SmtpServiceConfig } from '../config/polyport-config.js';
import { booleanType, integerType, listType, stringType } from '../config/value-types.js';
import type { ServiceModule } from '../service-module.js';
import { running, type StartContext, serverOptions } from '../starters/start-context.js';

/** The mailboxes SMTP and POP3 share; the demo user gets sample mail. */
function mailStore(context: StartContext): Promise<MaildirStore> {
  return context.shared('mail-store', async () => {
    const store = new MaildirStore(join(context.config.dataDir, 'mail'));
    if (context.config.sampleUsers) await store.seedIfEmpty('demo', DEMO_MESSAGES);
    return store;
  });
}

/**
 * `[smtp]`: SMTP (RFC 5321) for the configured domains, with STARTTLS and AUTH; and
 * `polyport mail`, the client of SMTP and POP3.
 *
 * @example
 * serviceTable(config, smtpService)?.domains; // ['localhost', 'example.test']
 */
export const smtpService: ServiceModule<SmtpServiceConfig> = {
  name: 'smtp',
  title: 'SMTP (RFC 5321)',
  wellKnownPort: 25,
  logsUsersIn: true,
  datagram: false,
  maxRequestSize: 4096,
  keys: [
    {
      key: 'smtp.domains',
      type: listType(
        stringType({
          name: 'domain',
          expected: 'a domain name',
          check: (t) => isMailbox(`x@${t}`),
        }),
      ),
      default: ['localhost', 'example.test'],
      doc: 'Domains whose mail is accepted and delivered to local mailboxes; anything else is refused (no relaying).',
    },
    {
      key: 'smtp.maxMessageSize',
      type: integerType(1024, 2 ** 31 - 1),
      default: 32 * 1024 * 1024,
      doc: 'Largest message accepted, in bytes; announced with the SIZE extension (RFC 1870).',
    },
    {
      key: 'smtp.maxRecipients',
      type: integerType(1, 100_000),
      default: 100,
      doc: 'Most RCPT TO per message (RFC 5321 requires at least 100 be accepted).',
    },
    {
      key: 'smtp.maxMessagesPerMinute',
      type: integerType(0, 1_000_000),
      default: 60,
      doc: 'Messages one client address (an IPv6 /64) may send per minute; more get 452 4.7.0 at RCPT. Loopback is exempt; 0: no limit.',
    },
    {
      key: 'smtp.mailboxQuota',
      type: integerType(0, 2 ** 50),
      default: 0,
      doc: "Most bytes one user's mailbox may hold; mail that does not fit gets 552 5.2.2 (mailbox full). 0: no quota.",
    },
    {
      key: 'smtp.catchAll',
      type: stringType({ name: 'user name or ""' }),
      default: '',
      doc: 'User who receives mail for unknown local parts of smtp.domains; "" refuses them.',
    },
    {
      key: 'smtp.acceptAll',
      type: booleanType(),
      default: false,
      doc: 'Mail catcher (for labs): accept every recipient in any domain, known or not, and deliver it all to one mailbox, that of smtp.catchAll (or of the first user when that is "": demo with the sample users), read over POP3 as that user. Refused off loopback unless smtp.catcherOffLoopback is set.',
    },
    {
      key: 'smtp.acceptAnyAuth',
      type: booleanType(),
      default: false,
      doc: 'Mail catcher (for labs): every AUTH (PLAIN or LOGIN) succeeds, whatever the credentials; each is logged at info with its user name (never the password). Refused off loopback unless smtp.catcherOffLoopback is set.',
    },
    {
      key: 'smtp.catcherOffLoopback',
      type: booleanType(),
      default: false,
      doc: 'Allow smtp.acceptAll and smtp.acceptAnyAuth when smtp.address is not loopback: anyone who can reach the port can then fill the mailbox or pass AUTH.',
    },
  ],
  crossCheck(smtp, config) {
    const issues: ConfigIssue[] = [];
    if (smtp.catchAll !== '' && !hasUser(config, smtp.catchAll)) {
      issues.push(conflict('smtp.catchAll', smtp.catchAll, `"" or ${EXPECTED_USER}`));
    }
    // A catcher is an open door: only where nobody else can knock, unless said twice.
    if (smtp.enabled && !smtp.catcherOffLoopback && !isLoopbackAddress(smtp.address)) {
      for (const key of ['acceptAll', 'acceptAnyAuth'] as const) {
        if (!smtp[key]) continue;
        issues.push(
          conflict(
            `smtp.${key}`,
            true,
            `false while smtp.address (${smtp.address}) is not loopback, or smtp.catcherOffLoopback = true to allow it there`,
          ),
        );
      }
    }
    return issues;
  },
  async start(context, smtp) {
    if (!smtp.enabled) return null;
    const service = await startSmtpService({
      ...serverOptions(context, 'smtp', smtp),
      domains: smtp.domains,
      users: context.config.users,
      store: await mailStore(context),
      ...(smtp.catchAll ? { catchAll: smtp.catchAll } : {}),
      acceptAll: smtp.acceptAll,
      acceptAnyAuth: smtp.acceptAnyAuth,
      maxMessageSize: smtp.maxMessageSize,
      maxRecipients: smtp.maxRecipients,
      maxMessagesPerMinute: smtp.maxMessagesPerMinute,
      mailboxQuota: smtp.mailboxQuota,
      tls: (await context.tls()).context,
    });
    return running('smtp', smtp.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
  cli: { command: mailCommand, usesLocalServer: true },
};

/**
 * `[pop3]`: POP3 (RFC 1939) with STLS, reading the mailboxes SMTP delivers to.
 *
 * @example
 * serviceTable(config, pop3Service)?.allowPlaintext; // true while POP3 is on loopback
 */
export const pop3Service: ServiceModule<Pop3ServiceConfig> = {
  name: 'pop3',
  title: 'POP3 (RFC 1939)',
  wellKnownPort: 110,
  logsUsersIn: true,
  datagram: false,
  maxRequestSize: 4096,
  keys: [
    {
      key: 'pop3.allowPlaintext',
      type: booleanType(),
      default: {
        describe: 'true when pop3.address is loopback',
        derive: (get) => isLoopbackAddress(String(get('pop3.address'))),
      },
      doc: 'Allow USER/PASS without STLS first (RFC 2595 section 2.3).',
    },
  ],
  async start(context, pop3) {
    if (!pop3.enabled) return null;
    const service = await startPop3Service({
      ...serverOptions(context, 'pop3', pop3),
      users: context.config.users,
      store: await mailStore(context),
      tls: (await context.tls()).context,
      // Passwords in clear text only where nobody else can listen.
      allowPlaintext: pop3.allowPlaintext && isLoopbackAddress(pop3.address),
    });
    return running('pop3', pop3.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
};
