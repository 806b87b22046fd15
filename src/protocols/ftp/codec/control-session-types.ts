/**
 * The vocabulary of `FtpControlSession`: its events, the decisions it waits for, its
 * options, and the verbs that become file and transfer events. Types only, so the glue and tests
 * can name them; every transition is in `control-session.ts`.
 */

import type { StopCommand, StoppedEvent } from '../../common/command-stop.js';
import type { InvalidUtf8Policy } from './command-decoder.js';
import type { DataAddress } from './data-address.js';

/** The file commands that need no data connection; each is a `file` event. */
export type FileVerb =
  | 'CWD'
  | 'CDUP'
  | 'PWD'
  | 'MKD'
  | 'RMD'
  | 'DELE'
  | 'RNFR'
  | 'RNTO'
  | 'SIZE'
  | 'MDTM'
  | 'MFMT'
  | 'MLST';

/** The commands that move data over a data connection; each is a `transfer` event. */
export type TransferVerb = 'RETR' | 'STOR' | 'APPE' | 'STOU' | 'LIST' | 'NLST' | 'MLSD';

/** The verbs of {@link FileVerb}: each becomes a `file` event. */
export const FILE_VERBS: ReadonlySet<string> = new Set<FileVerb>([
  'CWD',
  'CDUP',
  'PWD',
  'MKD',
  'RMD',
  'DELE',
  'RNFR',
  'RNTO',
  'SIZE',
  'MDTM',
  'MFMT',
  'MLST',
]);
/** The verbs of {@link TransferVerb}: each becomes a `transfer` event. */
export const TRANSFER_VERBS: ReadonlySet<string> = new Set<TransferVerb>([
  'RETR',
  'STOR',
  'APPE',
  'STOU',
  'LIST',
  'NLST',
  'MLSD',
]);
/**
 * Events from {@link FtpControlSession.nextEvent}. Those marked "decide" hold every later command
 * until the glue calls the method named; the others are notices, their reply already written.
 */
export type FtpControlEvent =
  /** Decide: `acceptLogin()`, `refuseLogin()` or `refuseLoginAndClose()`. */
  | {
      readonly type: 'login';
      readonly user: string;
      readonly password: string;
      readonly anonymous: boolean;
    }
  /** USER or REIN: drop the user's files, data setup and login state. */
  | { readonly type: 'logout' }
  /** Decide: `passiveOpened()` or `passiveFailed()`. Drops the previous data setup first. */
  | { readonly type: 'passive'; readonly extended: boolean }
  /** PORT/EPRT accepted (200 written): the next data connection goes to `target`. */
  | { readonly type: 'active'; readonly target: DataAddress }
  /** PORT/EPRT to someone other than the client refused (RFC 2577); for the log. */
  | { readonly type: 'bounce-refused'; readonly arg: string }
  /** ABOR with no transfer running (225 written): drop the data setup. */
  | { readonly type: 'data-reset' }
  /** Decide: `answer()` (RNFR's 350 arms RNTO). RNTO carries RNFR's argument as `from`. */
  | {
      readonly type: 'file';
      readonly verb: FileVerb;
      readonly arg: string;
      readonly from?: string;
    }
  /** Decide: `answer()` with the 213 listing of `arg` on the control connection. */
  | { readonly type: 'stat'; readonly arg: string }
  /**
   * Decide: `transferStarted()` (150) then `transferDone()`, or `transferDone()` alone when it
   * cannot start. `rest` is the REST offset (used up), `ascii` the TYPE, `protected` PROT P.
   */
  | {
      readonly type: 'transfer';
      readonly verb: TransferVerb;
      readonly arg: string;
      readonly rest: number;
      readonly ascii: boolean;
      readonly protected: boolean;
    }
  /** ABOR during a transfer: cut it; its `transferDone()` is followed by `226 ABOR successful`. */
  | { readonly type: 'abort' }
  /** Decide: `transferStatus()` with the bytes moved so far (STAT during a transfer). */
  | { readonly type: 'transfer-status' }
  /** Decide: `tlsStarted()` after the handshake (234 written; send it before starting TLS). */
  | { readonly type: 'auth-tls'; readonly mechanism: string }
  /** QUIT (221 written): send the output, then close. */
  | { readonly type: 'quit' }
  /** Decide: `resumeStopped()` (carry the command out) or `resumeStopped(reply)` (answer instead). */
  | StoppedEvent;

/** What `FtpControlSession` waits for the glue to do before it reads further commands. */
export type FtpDecision = 'login' | 'passive' | 'file' | 'transfer' | 'status' | 'tls' | 'command';

/** Options for `FtpControlSession`. Every field is optional. */
export interface FtpControlSessionOptions {
  /** The greeting after `220 ` (default `polyport FTP server ready.`). */
  readonly banner?: string;
  /** Longest command line in bytes, CRLF excluded (default 4096). */
  readonly maxLineLength?: number;
  /** Handling of command lines that are not UTF-8 (default `replace`). */
  readonly invalidUtf8?: InvalidUtf8Policy;
  /** Commands read ahead of the one being handled; past this `wantsInput` is false (default 32). */
  readonly maxQueuedCommands?: number;
  /**
   * Bytes of replies not yet taken past which `nextEvent()` answers no further command (it
   * returns `null` and goes on after `takeOutput()`), so a client that pipelines NOOPs without
   * reading is not answered faster than it reads. Default: no limit.
   */
  readonly maxPendingOutput?: number;
  /** The client's address: PORT/EPRT may name no other host (RFC 2577). */
  readonly peerHost?: string;
  /** The family of the control connection's local address (PASV needs 4), `null` if unknown. Default 4. */
  readonly localFamily?: 4 | 6 | null;
  /** AUTH TLS is offered (the glue can upgrade). Default false. */
  readonly tls?: boolean;
  /** Named users need AUTH TLS first, and transfers PROT P (anonymous excepted). Default false. */
  readonly requireTls?: boolean;
  /** `anonymous`/`ftp` may log in. Default false. */
  readonly anonymous?: boolean;
  /**
   * Asked before each command is carried out in its turn (not ABOR, STAT and NOOP jumping the
   * queue of a running transfer): true stops it with a `stopped` event (fault rules on
   * purpose). Default: none.
   */
  readonly stopCommand?: StopCommand;
}
