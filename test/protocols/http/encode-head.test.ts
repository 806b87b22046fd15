import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeChunk, encodeLastChunk } from '../../../src/protocols/http/codec/chunked-encoder.js';
import {
  encodeRequestHead,
  encodeResponseHead,
} from '../../../src/protocols/http/codec/encode-head.js';
import { HttpHeaders } from '../../../src/protocols/http/codec/http-headers.js';
import { reasonPhrase } from '../../../src/protocols/http/codec/status-reasons.js';

test('encodeRequestHead() writes the request line, the fields and the empty line', () => {
  const head = encodeRequestHead({
    method: 'GET',
    target: '/a?b=c',
    headers: [
      ['Host', 'x'],
      ['Accept', '*/*'],
    ],
  });
  assert.equal(head.toString('latin1'), 'GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n');
  assert.equal(
    encodeRequestHead({ method: 'GET', target: '/', version: '1.0' }).toString(),
    'GET / HTTP/1.0\r\n\r\n',
  );
});

test('encodeRequestHead() accepts HttpHeaders as input', () => {
  const headers = HttpHeaders.from([['Host', 'x']]);
  assert.equal(
    encodeRequestHead({ method: 'HEAD', target: '/', headers }).toString(),
    'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n',
  );
});

test('encodeRequestHead() rejects CR or LF in names, values, method and target with TypeError', () => {
  const bad = [
    { method: 'GET', target: '/', headers: [['X', 'a\r\nInjected: 1']] as const },
    { method: 'GET', target: '/', headers: [['X', 'a\nb']] as const },
    { method: 'GET', target: '/', headers: [['X\r\nY', 'a']] as const },
    { method: 'GET', target: '/', headers: [['X Y', 'a']] as const },
    { method: 'GET', target: '/', headers: [['X', 'a\0']] as const },
    { method: 'GET', target: '/', headers: [['X', 'snowman \u2603']] as const },
    { method: 'G T', target: '/' },
    { method: 'GET', target: '/a b' },
    { method: 'GET', target: '/\r\n' },
    { method: 'GET', target: '' },
  ];
  for (const head of bad) assert.throws(() => encodeRequestHead(head), TypeError);
});

test('encodeResponseHead() uses the standard reason phrase unless given one', () => {
  assert.equal(encodeResponseHead({ status: 404 }).toString(), 'HTTP/1.1 404 Not Found\r\n\r\n');
  assert.equal(
    encodeResponseHead({ status: 200, reason: 'Fine', version: '1.0' }).toString(),
    'HTTP/1.0 200 Fine\r\n\r\n',
  );
  assert.equal(encodeResponseHead({ status: 599 }).toString(), 'HTTP/1.1 599 \r\n\r\n');
  assert.equal(reasonPhrase(413), 'Content Too Large');
});

test('encodeResponseHead() rejects a bad status with RangeError and bad text with TypeError', () => {
  assert.throws(() => encodeResponseHead({ status: 99 }), RangeError);
  assert.throws(() => encodeResponseHead({ status: 1000 }), RangeError);
  assert.throws(() => encodeResponseHead({ status: 200.5 }), RangeError);
  assert.throws(() => encodeResponseHead({ status: 200, reason: 'a\r\nb' }), TypeError);
  assert.throws(
    () => encodeResponseHead({ status: 200, headers: [['Set-Cookie', 'a\rb']] }),
    TypeError,
  );
});

test('encodeChunk() frames data with its hex size and skips empty data', () => {
  assert.equal(encodeChunk(Buffer.from('hello')).toString(), '5\r\nhello\r\n');
  assert.equal(encodeChunk(Buffer.alloc(255, 0x61)).subarray(0, 4).toString(), 'ff\r\n');
  assert.equal(encodeChunk(new Uint8Array(0)).length, 0);
});

test('encodeLastChunk() ends the body, with trailers when given, and checks them', () => {
  assert.equal(encodeLastChunk().toString(), '0\r\n\r\n');
  assert.equal(encodeLastChunk([['A', '1']]).toString(), '0\r\nA: 1\r\n\r\n');
  assert.throws(() => encodeLastChunk([['A', '1\r\n']]), TypeError);
});
