import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serve } from '../../../src/host/index.js';
import { createConnection, SHUT_WR } from '../../../src/socket/index.js';
import { memoryLogger, portOf, testConfig } from '../../support/host.js';

test('a client that pipelines commands and half-closes gets every reply, QUIT last', async () => {
  const host = await serve({ config: testConfig(), logger: memoryLogger().logger });
  try {
    const sock = await createConnection(['127.0.0.1', portOf(host, 'ftp')], 10);
    await sock.sendall('USER demo\r\nPASS demo\r\nPWD\r\nSYST\r\nQUIT\r\n');
    sock.shutdown(SHUT_WR);
    let text = '';
    for (;;) {
      const data = await sock.recv(4096);
      if (data.length === 0) break;
      text += data.toString();
    }
    sock.close();
    const codes = text
      .trim()
      .split('\r\n')
      .map((line) => line.slice(0, 3));
    assert.deepEqual(codes, ['220', '331', '230', '257', '215', '221']);
  } finally {
    await host.stop(500);
  }
});
