/**
 * The server's file commands that need no data connection: CWD, CDUP, PWD, MKD, RMD, DELE,
 * RNFR, RNTO, SIZE, MDTM, MFMT and MLST (RFC 959, 3659, draft-somers-ftp-mfxx).
 */

import { lstat, mkdir, rename, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import type { Permission } from '../codec/command-table.js';
import { FILE_VERBS } from '../codec/control-session-types.js';
import { formatFtpTime, parseMfmtArg } from '../codec/ftp-time.js';
import { formatMlsxLine } from '../codec/mlsx.js';
import { type Reply, reply } from '../codec/reply.js';
import { quotePathname } from '../codec/virtual-path.js';
import type { FtpJail, JailPath } from './ftp-jail.js';
import { readEntry } from './listing-producer.js';

/**
 * The session state the file commands read and change. Which command may follow which (RNFR
 * then RNTO) is the control session's to decide, not this host's.
 */
export interface FileCommandHost {
  readonly jail: FtpJail;
  /** The working directory (virtual); CWD and CDUP change it. */
  cwd: string;
  readonly permissions: ReadonlySet<Permission>;
  /** The MLSx facts in force (OPTS MLST). */
  readonly mlstFacts: readonly string[];
}

/**
 * The verbs {@link runFileCommand} handles: the control session's file commands.
 *
 * @example
 * FILE_COMMANDS.has('MKD'); // true
 */
export const FILE_COMMANDS: ReadonlySet<string> = FILE_VERBS;

function errorReply(err: unknown, fallback: string): Reply {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return reply(550, 'No such file or directory.');
  if (code === 'EEXIST') return reply(550, 'File exists.');
  if (code === 'ENOTEMPTY' || code === 'EEXIST') return reply(550, 'Directory not empty.');
  if (code === 'ENOTDIR') return reply(550, 'Not a directory.');
  if (code === 'EISDIR') return reply(550, 'Is a directory.');
  if (code === 'EACCES' || code === 'EPERM') return reply(550, 'Permission denied.');
  if (code === 'ENOSPC' || code === 'EDQUOT') return reply(552, 'No space left on device.');
  return reply(550, fallback);
}

/**
 * Resolves a path that names an entry itself (not what a link points to): DELE, RMD and RNFR
 * act on a symbolic link, never through it.
 */
async function ownEntry(host: FileCommandHost, arg: string): Promise<JailPath | Reply> {
  const found = await host.jail.creatable(host.cwd, arg);
  if (!found.ok) return found.reply;
  try {
    await lstat(found.value.real);
  } catch {
    return reply(550, 'No such file or directory.');
  }
  return found.value;
}

/**
 * Runs one file command.
 *
 * @param host The session state.
 * @param verb The canonical verb (one of {@link FILE_COMMANDS}).
 * @param arg The argument (checked for presence by the command table).
 * @param renameFrom For RNTO: the argument of the RNFR answered 350 just before it.
 * @returns The reply to send (RNFR: 350 when the entry can be renamed).
 * @example
 * await runFileCommand(session, 'MKD', 'incoming'); // { code: 257, lines: ['"/incoming" created.'] }
 * await runFileCommand(session, 'RNTO', 'new.txt', 'old.txt'); // { code: 250, … }
 */
export async function runFileCommand(
  host: FileCommandHost,
  verb: string,
  arg: string,
  renameFrom?: string,
): Promise<Reply> {
  switch (verb) {
    case 'PWD':
      return reply(257, `${quotePathname(host.cwd)} is the current directory.`);
    case 'CWD':
    case 'CDUP': {
      const found = await host.jail.existing(host.cwd, verb === 'CDUP' ? '..' : arg || '/');
      if (!found.ok) return found.reply;
      const st = await stat(found.value.real).catch(() => null);
      if (st === null || !st.isDirectory()) return reply(550, 'Not a directory.');
      host.cwd = found.value.virtual;
      return reply(250, 'Directory successfully changed.');
    }
    case 'MKD': {
      const found = await host.jail.creatable(host.cwd, arg, 550);
      if (!found.ok) return found.reply;
      try {
        await mkdir(found.value.real);
      } catch (err) {
        return errorReply(err, 'Create directory operation failed.');
      }
      return reply(257, `${quotePathname(found.value.virtual)} created.`);
    }
    case 'RMD': {
      const found = await ownEntry(host, arg);
      if ('code' in found) return found;
      if (found.virtual === '/' || host.cwd.startsWith(`${found.virtual}/`)) {
        return reply(550, 'Cannot remove the working directory or one above it.');
      }
      try {
        await rmdir(found.real);
      } catch (err) {
        return errorReply(err, 'Remove directory operation failed.');
      }
      return reply(250, 'Remove directory operation successful.');
    }
    case 'DELE': {
      const found = await ownEntry(host, arg);
      if ('code' in found) return found;
      const st = await lstat(found.real);
      if (st.isDirectory()) return reply(550, 'Is a directory; use RMD.');
      try {
        await unlink(found.real);
      } catch (err) {
        return errorReply(err, 'Delete operation failed.');
      }
      return reply(250, 'Delete operation successful.');
    }
    case 'RNFR': {
      const found = await ownEntry(host, arg);
      if ('code' in found) return found;
      if (found.virtual === '/') return reply(550, 'Cannot rename the root directory.');
      return reply(350, 'Ready for RNTO.');
    }
    case 'RNTO': {
      if (renameFrom === undefined) return reply(503, 'RNFR required first.');
      // The working directory cannot change between RNFR and RNTO, so this is RNFR's entry.
      const from = await ownEntry(host, renameFrom);
      if ('code' in from) return from;
      if (from.virtual === '/') return reply(550, 'Cannot rename the root directory.');
      const to = await host.jail.creatable(host.cwd, arg);
      if (!to.ok) return to.reply;
      if (to.value.virtual.startsWith(`${from.virtual}/`)) {
        return reply(550, 'Cannot move a directory into itself.');
      }
      try {
        await rename(from.real, to.value.real);
      } catch (err) {
        return errorReply(err, 'Rename failed.');
      }
      return reply(250, 'Rename successful.');
    }
    case 'SIZE':
    case 'MDTM': {
      const found = await host.jail.existing(host.cwd, arg);
      if (!found.ok) return found.reply;
      const st = await stat(found.value.real).catch(() => null);
      if (st === null || !st.isFile()) return reply(550, 'Could not get file size or time.');
      return reply(213, verb === 'SIZE' ? String(st.size) : formatFtpTime(st.mtime));
    }
    case 'MFMT': {
      const parsed = parseMfmtArg(arg);
      if (!parsed.ok) return parsed.reply;
      const found = await host.jail.existing(host.cwd, parsed.value.path);
      if (!found.ok) return found.reply;
      try {
        const st = await stat(found.value.real);
        await utimes(found.value.real, st.atime, parsed.value.time);
      } catch (err) {
        return errorReply(err, 'Could not set the modification time.');
      }
      return reply(213, `Modify=${formatFtpTime(parsed.value.time)}; ${parsed.value.path}`);
    }
    case 'MLST': {
      const found = await host.jail.existing(host.cwd, arg);
      if (!found.ok) return found.reply;
      const entry = await readEntry(found.value.real, found.value.virtual, {
        format: 'mlsd',
        permissions: host.permissions,
      });
      if (entry === null) return reply(550, 'No such file or directory.');
      const line = formatMlsxLine(entry, { facts: host.mlstFacts });
      return reply(250, `Listing ${found.value.virtual}`, ` ${line}`, 'End');
    }
    default:
      return reply(502, 'Command not implemented.');
  }
}
