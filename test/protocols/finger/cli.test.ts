import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../support/cli.js';
import { bob } from './fixtures.js';
import { startLiveFinger } from './live-server.js';

test('polyport finger user@host:port prints the record with local line endings', async (t) => {
  const server = await startLiveFinger();
  t.after(() => server.stop());
  const { code, stdout, stderr } = await runCli(['finger', `bob@127.0.0.1:${server.port}`]);
  assert.equal(code, 0, stderr);
  assert.equal(
    stdout,
    'Login: bob                              Name: Bob Dobbs\n' +
      'Directory: /home/bob                    Shell: /bin/bash\n' +
      'Never logged in.\nNo Plan.\n',
  );
});

test('polyport finger @host:port lists users, and -l asks for the long form', async (t) => {
  const server = await startLiveFinger();
  t.after(() => server.stop());
  const list = await runCli(['finger', `@127.0.0.1:${server.port}`]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^Login\s+Name\s+Tty/);
  const long = await runCli(['finger', '-l', `@127.0.0.1:${server.port}`]);
  assert.equal(long.code, 0);
  assert.match(long.stdout, /^Login: alice/);
  const longUser = await runCli(['finger', '--long', `alice@127.0.0.1:${server.port}`]);
  assert.match(longUser.stdout, /^Login: alice/);
  assert.deepEqual(
    server.requests.map((r) => r.query),
    ['', '/W', '/W alice'],
  );
});

test('polyport finger passes user@host@host to the last host, which forwards it', async (t) => {
  const remote = await startLiveFinger({ users: [{ ...bob, login: 'remote', name: 'Far Away' }] });
  t.after(() => remote.stop());
  const local = await startLiveFinger({ allowForwarding: true });
  t.after(() => local.stop());
  const { code, stdout } = await runCli([
    'finger',
    `remote@127.0.0.1:${remote.port}@127.0.0.1:${local.port}`,
  ]);
  assert.equal(code, 0);
  assert.match(stdout, /^Login: remote\s+Name: Far Away\n/);
});

test('polyport finger prints the server refusal and exits 0: the server answered', async (t) => {
  const server = await startLiveFinger();
  t.after(() => server.stop());
  const { code, stdout } = await runCli(['finger', `nobody@127.0.0.1:${server.port}`]);
  assert.equal(code, 0);
  assert.equal(stdout, 'finger: nobody: no such user.\n');
});

test('polyport finger exits 1 with the socket error when the server cannot be reached', async () => {
  const server = await startLiveFinger();
  const port = server.port;
  await server.stop();
  const { code, stderr } = await runCli(['finger', `bob@127.0.0.1:${port}`]);
  assert.equal(code, 1);
  assert.match(stderr, /^polyport finger: .*connection refused/);
});

test('polyport finger exits 2 with a message for bad arguments', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['a@h', 'b@h'], /one \[user\]\[@host\]/],
    [['--timeout', '0', 'bob@127.0.0.1'], /--timeout must be a positive number/],
    [['bob@'], /empty host name/],
    [['bob\r\nalice@127.0.0.1'], /the query must be one line/],
    [['--bogus'], /bogus/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(['finger', ...args]);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test('polyport finger --help explains the targets and exits 0', async () => {
  const { code, stdout } = await runCli(['finger', '--help']);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: polyport finger/);
});
