/**
 * Every `polyport` subcommand. Protocols keep their command-line pieces in their own folders;
 * this list only registers them.
 */
import type { CliCommand } from '../protocols/common/index.js';
import { digCommand } from '../protocols/dns/index.js';
import { fingerCommand } from '../protocols/finger/index.js';
import { ftpCommand } from '../protocols/ftp/index.js';
import { httpCommand } from '../protocols/http/index.js';
import { mailCommand } from '../protocols/mail/index.js';
import { connectCommand } from './connect-command.js';
import { hashPasswordCommand } from './hash-password-command.js';
import { resolveCommand } from './resolve-command.js';
import { scanCommand } from './scan-command.js';
import { serveCommand } from './serve-command.js';
import { servicesCommand } from './services-command.js';

/** The subcommands, in the order `polyport --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  digCommand,
  fingerCommand,
  httpCommand,
  ftpCommand,
  mailCommand,
  connectCommand,
  scanCommand,
  resolveCommand,
  servicesCommand,
  hashPasswordCommand,
];
