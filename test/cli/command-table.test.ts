import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandTable, localServerCommands } from '../../src/cli/commands.js';
import { SERVICE_COMMANDS, SERVICE_MODULES } from '../../src/host/index.js';

test('SERVICE_COMMANDS lists the client commands of SERVICE_MODULES, in order, and loads the same objects', async () => {
  const modules = SERVICE_MODULES.filter((s) => s.cli !== undefined);
  assert.deepEqual(
    SERVICE_COMMANDS.map((c) => c.service),
    modules.map((s) => s.name),
  );
  for (const [i, entry] of SERVICE_COMMANDS.entries()) {
    const cli = modules[i]?.cli;
    assert.ok(cli !== undefined);
    assert.equal(await entry.load(), cli.command, `${entry.name} loads the module's command`);
    assert.equal(entry.name, cli.command.name);
    assert.equal(entry.summary, cli.command.summary, `${entry.name}'s summary`);
    assert.equal(entry.usesLocalServer, cli.usesLocalServer, `${entry.name}'s usesLocalServer`);
  }
});

test('each entry of the command table has the name and summary of the command it loads', async () => {
  for (const entry of commandTable()) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `${entry.name}'s summary`);
  }
});

test('commandTable() lists, without loading them, the commands that the service modules bring', () => {
  const light = commandTable();
  const loaded = commandTable(SERVICE_MODULES);
  assert.deepEqual(
    light.map((c) => [c.name, c.summary, c.usesLocalServer]),
    loaded.map((c) => [c.name, c.summary, c.usesLocalServer]),
  );
  assert.deepEqual([...localServerCommands()].sort(), ['dig', 'finger', 'ftp', 'ident', 'mail']);
  assert.deepEqual(localServerCommands(SERVICE_MODULES), localServerCommands());
});
