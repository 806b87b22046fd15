import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ftp from '../../../src/protocols/ftp/index.js';

test('the ftp index carries a server session from command bytes to reply bytes', () => {
  const decoder = new ftp.FtpCommandDecoder();
  decoder.receiveData(
    Buffer.from('USER anonymous\r\nCWD /pub/../incoming\r\nXPWD\r\nPORT 10,0,0,9,0,25\r\n'),
  );
  const replies: string[] = [];
  let cwd = '/';
  for (let ev = decoder.nextEvent(); ev !== null; ev = decoder.nextEvent()) {
    assert.equal(ev.type, 'command');
    if (ev.type !== 'command') continue;
    const checked = ftp.checkCommand(ev.verb, ev.arg, { loggedIn: ev.verb !== 'USER' });
    assert.ok(checked.ok);
    let out: ftp.Reply;
    switch (checked.value.verb) {
      case 'USER':
        out = ftp.reply(331, 'Password required.');
        break;
      case 'CWD': {
        const path = ftp.resolveVirtualPath(cwd, ev.arg);
        assert.ok(path.ok);
        cwd = path.value;
        out = ftp.reply(250, 'Directory changed.');
        break;
      }
      case 'PWD':
        out = ftp.reply(257, `${ftp.quotePathname(cwd)} is the current directory.`);
        break;
      default: {
        const target = ftp.parsePortArg(ev.arg);
        assert.ok(target.ok);
        const allowed = ftp.checkDataTarget('::ffff:10.0.0.9', target.value);
        out = allowed.ok ? ftp.reply(200, 'PORT okay.') : allowed.reply;
      }
    }
    replies.push(ftp.encodeReply(out).toString());
  }
  assert.deepEqual(replies, [
    '331 Password required.\r\n',
    '250 Directory changed.\r\n',
    '257 "/incoming" is the current directory.\r\n',
    '504 Refused: data connection to a privileged port.\r\n',
  ]);
});

test('the ftp index carries a client from reply bytes to parsed values', () => {
  const decoder = new ftp.FtpReplyDecoder();
  decoder.receiveData(
    Buffer.from('229 Entering Extended Passive Mode (|||40001|)\r\n257 "/pub" is cwd\r\n'),
  );
  const epsv = decoder.nextEvent();
  const pwd = decoder.nextEvent();
  assert.ok(epsv?.type === 'reply' && pwd?.type === 'reply');
  assert.equal(ftp.parseEpsvReply(epsv.reply.lines[0] ?? ''), 40001);
  assert.equal(ftp.parsePathnameReply(pwd.reply.lines[0] ?? ''), '/pub');
  assert.equal(decoder.nextEvent(), null);
});
