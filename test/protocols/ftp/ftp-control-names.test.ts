/** Regression: MKD, STOR, APPE, STOU and RNTO made names holding control characters. */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkCreatableName } from '../../../src/protocols/ftp/codec/virtual-path.js';
import { raw, startFixture } from './ftp-fixture.js';

test('checkCreatableName() refuses C0 controls and DEL with the code asked for, and passes other names', () => {
  for (const c of [0x01, 0x09, 0x0a, 0x0d, 0x0e, 0x1f, 0x7f]) {
    const name = `/a${String.fromCharCode(c)}b`;
    const refused = checkCreatableName(name, 553);
    assert.equal(refused.ok, false, JSON.stringify(name));
    if (!refused.ok) assert.equal(refused.reply.code, 553);
    const mkd = checkCreatableName(name, 550);
    if (!mkd.ok) assert.equal(mkd.reply.code, 550);
    else assert.fail('MKD name allowed');
  }
  assert.deepEqual(checkCreatableName('/pub/grüße ~ [x].txt', 553), {
    ok: true,
    value: '/pub/grüße ~ [x].txt',
  });
});

test('MKD, STOR, APPE, STOU and RNTO refuse a name with a CR or another control character and create nothing', async () => {
  const f = await startFixture();
  const c = await raw(f.port);
  try {
    await c.cmd('USER demo');
    assert.match(await c.cmd('PASS demo'), /^230 /);
    const before = readdirSync(f.root).sort();
    // The client's line is `MKD README.txt\r\r\n`: the name would end in CR.
    assert.match(await c.cmd('MKD README.txt\r'), /^550 .*control character/);
    assert.match(await c.cmd('MKD shift\x0eout'), /^550 /);
    assert.match(await c.cmd('MKD pub/del\x7f'), /^550 /);
    for (const verb of ['STOR', 'APPE', 'STOU']) {
      // A refused transfer ends its passive offer, so each gets a fresh one.
      assert.match(await c.cmd('EPSV'), /^229 /);
      assert.match(await c.cmd(`${verb} up\x0eload.txt`), /^553 .*control character/, verb);
      assert.match(await c.cmd('EPSV'), /^229 /);
      assert.match(await c.cmd(`${verb} bell\x07`), /^553 /, verb);
    }
    assert.match(await c.cmd('RNFR hello.txt'), /^350 /);
    assert.match(await c.cmd('RNTO hello.txt\r'), /^553 .*control character/);
    assert.match(await c.cmd('RNFR hello.txt'), /^350 /);
    assert.match(await c.cmd('RNTO pub/esc\x1b[2J'), /^553 /);
    assert.deepEqual(readdirSync(f.root).sort(), before);
    assert.deepEqual(readdirSync(join(f.root, 'pub')), ['readme.txt']);
    // Names without controls still work, also beside an existing odd name made locally.
    writeFileSync(join(f.root, 'local\x0ename'), 'x');
    assert.match(await c.cmd('MKD plain dir'), /^257 /);
    assert.match(await c.cmd('RNFR hello.txt'), /^350 /);
    assert.match(await c.cmd('RNTO hi.txt'), /^250 /);
  } finally {
    c.sock.close();
    await f.stop();
  }
});
