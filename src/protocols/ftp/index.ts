/**
 * `polyport/ftp`: the sans-I/O core of FTP (RFC 959, 1123, 2228, 2389, 2428, 2577, 2640, 3659,
 * 4217): codecs, the command table, argument parsers, listings and path handling that the FTP
 * server and client are built on.
 */

export { type IpAddress, parseIpAddress, sameIpAddress, unmapIpv4 } from '../../socket/inet.js';
export { AsciiConverter, type AsciiDirection } from './ascii-converter.js';
export { ChunkQueue } from './chunk-queue.js';
export { ftpCommand } from './cli.js';
export {
  FILE_VERBS,
  type FileVerb,
  type FtpControlEvent,
  FtpControlSession,
  type FtpControlSessionOptions,
  type FtpDecision,
  type TransferVerb,
} from './codec/control-session.js';
export {
  parseAlloArg,
  parseAuthArg,
  parsePbszArg,
  parseProtArg,
  parseRestArg,
} from './command-args.js';
export {
  type CommandEvent,
  FtpCommandDecoder,
  type FtpCommandDecoderOptions,
  type InvalidUtf8Policy,
} from './command-decoder.js';
export {
  type ArgRule,
  type CommandContext,
  type CommandSpec,
  checkCommand,
  FTP_COMMANDS,
  lookupCommand,
  type Permission,
} from './command-table.js';
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
} from './data-address.js';
export {
  DataChannel,
  type DataChannelOptions,
  type ReceiveTarget,
  type TransferOutcome,
} from './data-channel.js';
export { type DataConnectOptions, DataConnector } from './data-connector.js';
export {
  type FeatOptions,
  featReply,
  helpReply,
  type OptsRequest,
  parseOptsArg,
} from './features.js';
export { FILE_COMMANDS, type FileCommandHost, runFileCommand } from './file-commands.js';
export {
  defaultMode,
  type FileEntry,
  type FileType,
  formatMode,
  parseMode,
} from './file-entry.js';
export { FtpClient, type FtpClientOptions, type TransferOptions } from './ftp-client.js';
export { FtpControlConnection, FtpError, replyText } from './ftp-control-connection.js';
export { FtpJail, type JailPath } from './ftp-jail.js';
export { type FtpService, startFtpService } from './ftp-server.js';
export type { FtpServiceContext, FtpServiceOptions, FtpUser } from './ftp-service-context.js';
export { FtpSession } from './ftp-session.js';
export { formatFtpTime, parseFtpTime, parseMfmtArg } from './ftp-time.js';
export { type FtpUrl, isLoopbackHost, parseFtpUrl } from './ftp-url.js';
export {
  formatListDate,
  formatListLine,
  formatNlstLine,
  type ListFormatOptions,
} from './list-formatter.js';
export { type ListParseOptions, parseListing, parseListLine } from './list-parser.js';
export {
  collectListing,
  fileEntry,
  formatEntry,
  type ListingFormat,
  type ListingOptions,
  ListingProducer,
  readEntry,
} from './listing-producer.js';
export {
  DEFAULT_MLSX_FACTS,
  formatMlsxLine,
  MLSX_FACTS,
  type MlsxFormatOptions,
  type MlsxLine,
  mlsxPermFact,
  parseMlstOpts,
  parseMlsxLine,
} from './mlsx.js';
export { type ArgResult, encodeReply, fail, ok, type Reply, reply } from './reply.js';
export {
  FtpReplyDecoder,
  type FtpReplyDecoderOptions,
  type ReplyErrorReason,
  type ReplyEvent,
} from './reply-decoder.js';
export {
  activeCommand,
  type DataSetupHost,
  localFamily,
  passiveCommand,
} from './session-data-setup.js';
export {
  type LoginGrant,
  type LoginHost,
  type PassOutcome,
  SessionLogin,
} from './session-login.js';
export { SessionTransfer, type TransferHost, type TransferRequest } from './session-transfer.js';
export { stripTelnet } from './telnet.js';
export {
  parseModeArg,
  parseStruArg,
  parseTypeArg,
  type TransferType,
} from './transfer-params.js';
export {
  openUpload,
  UploadError,
  type UploadKind,
  type UploadTarget,
} from './upload-target.js';
export {
  isInsideRoot,
  parsePathnameReply,
  quotePathname,
  type ResolveOptions,
  resolveVirtualPath,
  virtualToRealPath,
} from './virtual-path.js';
