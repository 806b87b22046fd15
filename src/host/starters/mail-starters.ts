/**
 * Mail: SMTP delivers into one Maildir per user under `dataDir/mail`, POP3 reads them.
 */
import { join } from 'node:path';
import {
  DEMO_MESSAGES,
  MaildirStore,
  startPop3Service,
  startSmtpService,
} from '../../protocols/mail/index.js';
import { isLoopbackAddress } from '../config/index.js';
import { running, type ServiceStarter, type StartContext, serverOptions } from './start-context.js';

/** The mailboxes SMTP and POP3 share; the demo user gets sample mail. */
function mailStore(context: StartContext): Promise<MaildirStore> {
  return context.shared('mail-store', async () => {
    const store = new MaildirStore(join(context.config.dataDir, 'mail'));
    if (context.config.sampleUsers) await store.seedIfEmpty('demo', DEMO_MESSAGES);
    return store;
  });
}

/** Starts SMTP. */
export const smtpStarter: ServiceStarter = async (context) => {
  const { smtp, users } = context.config;
  if (!smtp.enabled) return null;
  const service = await startSmtpService({
    ...serverOptions(context, 'smtp', smtp),
    domains: smtp.domains,
    users,
    store: await mailStore(context),
    ...(smtp.catchAll ? { catchAll: smtp.catchAll } : {}),
    maxMessageSize: smtp.maxMessageSize,
    maxRecipients: smtp.maxRecipients,
    maxMessagesPerMinute: smtp.maxMessagesPerMinute,
    mailboxQuota: smtp.mailboxQuota,
    tls: (await context.tls()).context,
  });
  return running('smtp', smtp.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
};

/** Starts POP3. */
export const pop3Starter: ServiceStarter = async (context) => {
  const { pop3, users } = context.config;
  if (!pop3.enabled) return null;
  const service = await startPop3Service({
    ...serverOptions(context, 'pop3', pop3),
    users,
    store: await mailStore(context),
    tls: (await context.tls()).context,
    // Passwords in clear text only where nobody else can listen.
    allowPlaintext: pop3.allowPlaintext && isLoopbackAddress(pop3.address),
  });
  return running('pop3', pop3.address, { tcp: service.listener.boundAddress[1] }, () =>
    service.close(),
  );
};
