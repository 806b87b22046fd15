/**
 * Checks the wire forms against Python's ftplib, the client most scripts use: its reply reader,
 * its PASV/EPSV/257 parsers and its MLSD parser read what polyport writes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as ftp from '../../../src/protocols/ftp/index.js';
import { needs } from '../../support/interop.js';

const SCRIPT = `
import ftplib, io, json, sys
data = json.load(sys.stdin)
out = {}
f = ftplib.FTP()
f.file = io.StringIO(data['replies'], newline='')
out['replies'] = [f.getresp() if i < 1 else f.getmultiline() for i in range(data['count'])]
out['pasv'] = list(ftplib.parse227(data['pasv']))
out['epsv'] = list(ftplib.parse229(data['epsv'], ('192.0.2.1', 21)))
out['pwd'] = ftplib.parse257(data['pwd'])
class Fake(ftplib.FTP):
    def retrlines(self, cmd, callback=None):
        for line in data['mlsd']:
            callback(line)
        return '226 done'
    def sendcmd(self, cmd):
        return '200 ok'
out['mlsd'] = [[name, facts] for name, facts in Fake().mlsd()]
json.dump(out, sys.stdout)
`;

test(
  'Python ftplib reads polyport replies, passive addresses, pathnames and MLSD lines',
  needs('python3'),
  () => {
    const replies = [
      ftp.reply(220, 'polyport ready'),
      ftp.featReply({ tls: true }),
      ftp.reply(214, 'Help', '200 is not the end', 'Help OK.'),
    ];
    const mtime = new Date('2026-11-24T15:17:00Z');
    const input = {
      replies: Buffer.concat(replies.map(ftp.encodeReply)).toString(),
      count: replies.length,
      pasv: `227 ${ftp.pasvReply({ host: '::ffff:192.0.2.7', port: 6446 }).lines[0]}`,
      epsv: `229 ${ftp.epsvReply(40001).lines[0]}`,
      pwd: `257 ${ftp.quotePathname('/say "hi"')} is the current directory`,
      mlsd: [
        ftp.formatMlsxLine({ name: '.', type: 'dir', size: 0, mtime }, { role: 'cdir' }),
        ftp.formatMlsxLine({ name: 'a b;c.txt', type: 'file', size: 5, mtime, perm: 'r' }),
      ],
    };
    const run = spawnSync('python3', ['-c', SCRIPT], {
      input: JSON.stringify(input),
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(out.replies, [
      '220 polyport ready',
      '211-Features:\n AUTH TLS\n EPRT\n EPSV\n MDTM\n MFMT\n' +
        ' MLST type*;size*;modify*;perm*;unique*;unix.mode;unix.owner;unix.group;\n' +
        ' PBSZ\n PROT\n REST STREAM\n SIZE\n TVFS\n UTF8\n211 End',
      '214-Help\n 200 is not the end\n214 Help OK.',
    ]);
    assert.deepEqual(out.pasv, ['192.0.2.7', 6446]);
    assert.deepEqual(out.epsv, ['192.0.2.1', 40001]);
    assert.equal(out.pwd, '/say "hi"');
    assert.deepEqual(out.mlsd, [
      ['.', { type: 'cdir', modify: '20261124151700' }],
      ['a b;c.txt', { type: 'file', size: '5', modify: '20261124151700', perm: 'r' }],
    ]);
  },
);
