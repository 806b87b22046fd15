/**
 * polyport/mail: a complete local mail service. The sans-I/O core of SMTP and POP3 (server
 * sessions, client-side parsers, dot-stuffing codecs, SASL PLAIN), Maildir storage, the servers
 * (`startSmtpService`, `startPop3Service`), the clients (`SmtpClient`, `Pop3Client`) and the
 * `polyport mail` command.
 *
 * @example
 * const store = new MaildirStore('/tmp/polyport-mail');
 * const smtp = await startSmtpService({ address: ['127.0.0.1', 10025], users, store });
 * const pop3 = await startPop3Service({ address: ['127.0.0.1', 10110], users, store, allowPlaintext: true });
 * await loop();
 *
 * @module
 */

export { mailCommand } from './cli.js';
export {
  MailProtocolError,
  Pop3Error,
  SmtpReplyError,
} from './client/mail-client-errors.js';
export { MailConnection, type MailConnectOptions } from './client/mail-connection.js';
export { Pop3Client, type Pop3Listing } from './client/pop3-client.js';
export {
  type MailContent,
  type SendMailResult,
  SmtpClient,
  type SmtpClientReply,
} from './client/smtp-client.js';
export { decodeAuthPlain, encodeAuthPlain, type PlainCredentials } from './codec/auth-plain.js';
export { DotDecoder, type DotDecoderEvent, type DotDecoderOptions } from './codec/dot-decoder.js';
export { DotStuffer, type DotStufferOptions } from './codec/dot-stuffer.js';
export { apopDigest, verifyApop } from './codec/pop3/apop.js';
export { type Pop3Capabilities, parsePop3Capabilities } from './codec/pop3/pop3-capabilities.js';
export { pop3Uid } from './codec/pop3/pop3-maildrop.js';
export {
  type Pop3ResponseEvent,
  type Pop3ResponseKind,
  Pop3ResponseParser,
  type Pop3ResponseParserOptions,
} from './codec/pop3/pop3-response-parser.js';
export { Pop3ServerSession } from './codec/pop3/pop3-server-session.js';
export type {
  Pop3Decision,
  Pop3Message,
  Pop3ServerEvent,
  Pop3ServerOptions,
} from './codec/pop3/pop3-server-types.js';
export { type EhloCapabilities, parseEhloCapabilities } from './codec/smtp/ehlo-capabilities.js';
export {
  canonicalMailbox,
  type MailArgument,
  type MailArgumentOptions,
  type MailPath,
  parseMailArgument,
} from './codec/smtp/mail-path.js';
export {
  buildReceivedHeader,
  formatRfc5322Date,
  type ReceivedInfo,
} from './codec/smtp/received-header.js';
export { buildReturnPathHeader } from './codec/smtp/return-path-header.js';
export { formatSmtpReply, type SmtpReply } from './codec/smtp/smtp-reply.js';
export {
  type SmtpReplyEvent,
  SmtpReplyParser,
  type SmtpReplyParserOptions,
} from './codec/smtp/smtp-reply-parser.js';
export { SmtpServerSession } from './codec/smtp/smtp-server-session.js';
export type {
  SmtpAbortReason,
  SmtpDecision,
  SmtpServerEvent,
  SmtpServerOptions,
} from './codec/smtp/smtp-server-types.js';
export {
  authenticateMailUser,
  findMailUser,
  type MailUser,
  type PasswordCheck,
} from './server/mail-users.js';
export { MailboxQuota } from './server/maildir/mailbox-quota.js';
export {
  type DeliverOptions,
  Maildir,
  type MaildirEntry,
  type MaildirOptions,
} from './server/maildir/maildir.js';
export { MaildirDelivery } from './server/maildir/maildir-delivery.js';
export { LOCK_FILE_NAME, MaildirLock } from './server/maildir/maildir-lock.js';
export { MaildirStore } from './server/maildir/maildir-store.js';
export { DEMO_ADDRESS, DEMO_MESSAGES } from './server/maildir/sample-messages.js';
export { maildirUniqueName, type UniqueNameParts } from './server/maildir/unique-name.js';
export { MessageProducer, type MessageProducerOptions } from './server/message-producer.js';
export {
  type Pop3Service,
  type Pop3ServiceOptions,
  startPop3Service,
} from './server/pop3/pop3-service.js';
export {
  type LocalDelivery,
  type RecipientDecision,
  resolveLocalRecipient,
} from './server/smtp/local-recipient.js';
export {
  DEFAULT_MAX_MESSAGES_PER_MINUTE,
  type SmtpService,
  type SmtpServiceOptions,
  startSmtpService,
} from './server/smtp/smtp-service.js';
