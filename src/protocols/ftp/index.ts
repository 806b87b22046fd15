/**
 * `polyport/ftp`: the sans-I/O core of FTP (RFC 959, 1123, 2228, 2389, 2428, 2577, 2640, 3659,
 * 4217): codecs, the command table, argument parsers, listings and path handling that the FTP
 * server and client are built on.
 */

export { type IpAddress, parseIpAddress, sameIpAddress, unmapIpv4 } from '../../socket/inet.js';
export { ftpCommand } from './cli.js';
export { ChunkQueue } from './client/chunk-queue.js';
export { FtpClient, type FtpClientOptions, type TransferOptions } from './client/ftp-client.js';
export { FtpControlConnection, FtpError, replyText } from './client/ftp-control-connection.js';
export { type FtpUrl, isLoopbackHost, parseFtpUrl } from './client/ftp-url.js';
export { AsciiConverter, type AsciiDirection } from './codec/ascii-converter.js';
export {
  parseAlloArg,
  parseAuthArg,
  parsePbszArg,
  parseProtArg,
  parseRestArg,
} from './codec/command-args.js';
export {
  type CommandEvent,
  FtpCommandDecoder,
  type FtpCommandDecoderOptions,
  type InvalidUtf8Policy,
} from './codec/command-decoder.js';
export {
  type ArgRule,
  type CommandContext,
  type CommandSpec,
  checkCommand,
  FTP_COMMANDS,
  lookupCommand,
  type Permission,
} from './codec/command-table.js';
export { FtpControlSession } from './codec/control-session.js';
export {
  FILE_VERBS,
  type FileVerb,
  type FtpControlEvent,
  type FtpControlSessionOptions,
  type FtpDecision,
  TRANSFER_VERBS,
  type TransferVerb,
} from './codec/control-session-types.js';
export {
  checkDataTarget,
  type DataAddress,
  type EpsvRequest,
  epsvReply,
  formatEprtArg,
  formatPortArg,
  parseEprtArg,
  parseEpsvArg,
  parseEpsvReply,
  parsePasvReply,
  parsePortArg,
  pasvReply,
} from './codec/data-address.js';
export {
  type FeatOptions,
  featReply,
  helpReply,
  type OptsRequest,
  parseOptsArg,
} from './codec/features.js';
export {
  defaultMode,
  type FileEntry,
  type FileType,
  formatMode,
  parseMode,
} from './codec/file-entry.js';
export { formatFtpTime, parseFtpTime, parseMfmtArg } from './codec/ftp-time.js';
export {
  formatListDate,
  formatListLine,
  formatNlstLine,
  type ListFormatOptions,
} from './codec/list-formatter.js';
export { type ListParseOptions, parseListing, parseListLine } from './codec/list-parser.js';
export {
  DEFAULT_MLSX_FACTS,
  formatMlsxLine,
  MLSX_FACTS,
  type MlsxFormatOptions,
  type MlsxLine,
  mlsxPermFact,
  parseMlstOpts,
  parseMlsxLine,
} from './codec/mlsx.js';
export { type ArgResult, encodeReply, fail, ok, type Reply, reply } from './codec/reply.js';
export {
  FtpReplyDecoder,
  type FtpReplyDecoderOptions,
  type ReplyErrorReason,
  type ReplyEvent,
} from './codec/reply-decoder.js';
export { stripTelnet } from './codec/telnet.js';
export {
  parseModeArg,
  parseStruArg,
  parseTypeArg,
  type TransferType,
} from './codec/transfer-params.js';
export {
  isInsideRoot,
  parsePathnameReply,
  quotePathname,
  type ResolveOptions,
  resolveVirtualPath,
  virtualToRealPath,
} from './codec/virtual-path.js';
export { CommandRate } from './server/command-rate.js';
export {
  DataChannel,
  type DataChannelOptions,
  type ReceiveTarget,
  type TransferOutcome,
} from './server/data-channel.js';
export { type DataConnectOptions, DataConnector } from './server/data-connector.js';
export { FILE_COMMANDS, type FileCommandHost, runFileCommand } from './server/file-commands.js';
export {
  type FtpConnectionSettings,
  FtpHandler,
  /** The old name of {@link FtpHandler}, from when the control connection was a channel. */
  FtpHandler as FtpSession,
} from './server/ftp-handler.js';
export { FtpJail, type JailPath } from './server/ftp-jail.js';
export { type FtpService, startFtpService } from './server/ftp-server.js';
export {
  type FtpServerEvent,
  FtpServerSession,
  type FtpServerSessionOptions,
} from './server/ftp-server-session.js';
export type {
  FtpServiceContext,
  FtpServiceOptions,
  FtpUser,
} from './server/ftp-service-context.js';
export { InputGatedTransport } from './server/input-gated-transport.js';
export {
  collectListing,
  fileEntry,
  formatEntry,
  type ListingFormat,
  type ListingOptions,
  ListingProducer,
  readEntry,
} from './server/listing-producer.js';
export {
  activeCommand,
  type DataSetupHost,
  localFamily,
  passiveCommand,
} from './server/session-data-setup.js';
export {
  type LoginGrant,
  type LoginHost,
  type PassOutcome,
  SessionLogin,
} from './server/session-login.js';
export {
  SessionTransfer,
  type TransferHost,
  type TransferRequest,
} from './server/session-transfer.js';
export {
  openUpload,
  UploadError,
  type UploadKind,
  type UploadTarget,
} from './server/upload-target.js';
