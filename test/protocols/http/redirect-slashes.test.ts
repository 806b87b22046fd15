import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redirectHandler } from '../../../src/protocols/http/index.js';
import { exchange, startTestServer } from './support/server.js';

const location = (text: string): string | undefined => /^Location: ([^\r]*)\r$/im.exec(text)?.[1];

test('redirectHandler() never turns a local target into a protocol-relative //host one', async () => {
  const server = await startTestServer([
    redirectHandler('/old/', '/'),
    redirectHandler('/cdn/', '//cdn.example/'),
  ]);
  try {
    const get = (path: string): Promise<string> =>
      exchange(server.port, `GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
    assert.equal(location(await get('/old//evil.example/x?q=1')), '/evil.example/x?q=1');
    assert.equal(location(await get('/old/page')), '/page');
    // A target configured as protocol-relative is the operator's choice and stays so.
    assert.equal(location(await get('/cdn/a.js')), '//cdn.example/a.js');
  } finally {
    await server.stop();
  }
});
