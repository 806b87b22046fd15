import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  escapeHtml,
  renderDirectoryListing,
} from '../../../src/protocols/http/server/directory-listing.js';

const modified = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));

test('renderDirectoryListing() lists directories first, then files, by name', () => {
  const html = renderDirectoryListing('/docs/', [
    { name: 'b.txt', isDirectory: false, size: 10, modified },
    { name: 'a.txt', isDirectory: false, size: 2048, modified },
    { name: 'zdir', isDirectory: true, size: 4096, modified },
  ]);
  const order = ['zdir/', 'a.txt', 'b.txt'].map((n) => html.indexOf(`>${n}</a>`));
  assert.ok(order.every((i) => i > 0));
  assert.deepEqual(
    [...order].sort((x, y) => x - y),
    order,
  );
  assert.ok(html.includes('<a href="../">../</a>'));
  assert.ok(html.includes('<td>2048</td><td>2024-05-06 07:08</td>'));
  assert.ok(html.includes('<title>Index of /docs/</title>'));
});

test('renderDirectoryListing() percent-encodes links and HTML-escapes every name', () => {
  const html = renderDirectoryListing('/<x>/', [
    { name: '<script>alert(1)</script>', isDirectory: false, size: 1, modified },
    { name: 'a b&c"d\'.txt', isDirectory: false, size: 1, modified },
    { name: 'x:y', isDirectory: false, size: 1, modified },
  ]);
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('href="./a%20b%26c%22d&#39;.txt"'));
  assert.ok(html.includes('href="./x%3Ay"'));
  assert.ok(html.includes('Index of /&lt;x&gt;/'));
});

test('renderDirectoryListing() has no parent link at the root', () => {
  assert.ok(!renderDirectoryListing('/', []).includes('../'));
});

test('escapeHtml() escapes the five HTML-significant characters', () => {
  assert.equal(escapeHtml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
});
