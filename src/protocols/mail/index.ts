/**
 * polyport/mail: the sans-I/O core of SMTP and POP3 (server sessions, client-side parsers,
 * dot-stuffing codecs, SASL PLAIN) and Maildir storage. The socket glue builds on these.
 */
export { decodeAuthPlain, encodeAuthPlain, type PlainCredentials } from './auth-plain.js';
export { DotDecoder, type DotDecoderEvent, type DotDecoderOptions } from './dot-decoder.js';
export { DotStuffer, type DotStufferOptions } from './dot-stuffer.js';
export { type EhloCapabilities, parseEhloCapabilities } from './smtp/ehlo-capabilities.js';
export {
  type MailArgument,
  type MailArgumentOptions,
  type MailPath,
  parseMailArgument,
} from './smtp/mail-path.js';
export {
  buildReceivedHeader,
  formatRfc5322Date,
  type ReceivedInfo,
} from './smtp/received-header.js';
export { formatSmtpReply, type SmtpReply } from './smtp/smtp-reply.js';
export {
  type SmtpReplyEvent,
  SmtpReplyParser,
  type SmtpReplyParserOptions,
} from './smtp/smtp-reply-parser.js';
export { type SmtpDecision, SmtpServerSession } from './smtp/smtp-server-session.js';
export type {
  SmtpAbortReason,
  SmtpServerEvent,
  SmtpServerOptions,
} from './smtp/smtp-server-types.js';
