/**
 * The built-in services' client commands as the command line lists them before it loads any of
 * them: name, summary, whether the command finds the local `polyport serve`, and how to load it.
 * `polyport --version` or `polyport dig` must not import every server, TLS material and the
 * logger just to learn which commands exist: this file imports none of them, and each `load()`
 * imports only its protocol's `cli.ts`. `SERVICE_MODULES` stays the whole truth (a test holds
 * this list to it); `serve` and the config read that one.
 */
import type { CliCommand } from '../../protocols/common/index.js';

/** A built-in service's client command, without its code. */
export interface ServiceCommandEntry {
  /** The service it is the client of (`dns`), as in `SERVICE_MODULES`. */
  readonly service: string;
  /** The word after `polyport` (`dig`): the loaded command's `name`. */
  readonly name: string;
  /** Its line in `polyport --help`: the loaded command's `summary`. */
  readonly summary: string;
  /** As the service module's `cli.usesLocalServer`: it takes `--config` and `--set`. */
  readonly usesLocalServer: boolean;
  /**
   * Imports the command's code.
   * @returns the command, the same object as the service module's `cli.command`.
   */
  load(): Promise<CliCommand>;
}

/**
 * The client commands of `SERVICE_MODULES`, in its order (the order `polyport --help` lists them).
 *
 * @example
 * const dig = SERVICE_COMMANDS.find((c) => c.name === 'dig');
 * await (await dig?.load())?.run(['example.test'], io);
 */
export const SERVICE_COMMANDS: readonly ServiceCommandEntry[] = [
  {
    service: 'http',
    name: 'http',
    summary: 'send an HTTP request (GET, POST, PUT, DELETE, ...) and print the response',
    usesLocalServer: false,
    load: async () => (await import('../../protocols/http/cli.js')).httpCommand,
  },
  {
    service: 'ftp',
    name: 'ftp',
    summary: 'list, download, upload or mirror files on an FTP server',
    usesLocalServer: true,
    load: async () => (await import('../../protocols/ftp/cli.js')).ftpCommand,
  },
  {
    service: 'smtp',
    name: 'mail',
    summary: 'send mail over SMTP, fetch it over POP3',
    usesLocalServer: true,
    load: async () => (await import('../../protocols/mail/cli.js')).mailCommand,
  },
  {
    service: 'dns',
    name: 'dig',
    summary: 'ask a DNS server a question and print the answer as dig does',
    usesLocalServer: true,
    load: async () => (await import('../../protocols/dns/cli.js')).digCommand,
  },
  {
    service: 'finger',
    name: 'finger',
    summary: 'ask a finger server about a user',
    usesLocalServer: true,
    load: async () => (await import('../../protocols/finger/cli.js')).fingerCommand,
  },
  {
    service: 'ident',
    name: 'ident',
    summary: 'ask an ident server who owns a connection',
    usesLocalServer: true,
    load: async () => (await import('../../protocols/ident/cli.js')).identCommand,
  },
];
