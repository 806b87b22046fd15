/**
 * Interop: ISC's `dig` against polyport's DNS server, and polyport's `Resolver` and
 * `polyport dig` against dnsmasq.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { EXIT } from '../../src/protocols/common/index.js';
import {
  DnsNxdomainError,
  digCommand,
  Rcode,
  Resolver,
  RRType,
} from '../../src/protocols/dns/index.js';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM, socket } from '../../src/socket/index.js';
import { captureIO, type LiveServer, startLive } from '../protocols/dns/live-server.js';
import { needs } from '../support/interop.js';

const run = promisify(execFile);

describe('dig against the polyport DNS server', () => {
  let live: LiveServer;
  before(async () => {
    live = await startLive();
  });
  after(() => live.stop());

  /** Runs dig (asynchronously: the server answers from this process's loop). */
  async function dig(...args: string[]): Promise<string> {
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(live.port), ...args], {
      timeout: 10_000,
    });
    return stdout;
  }

  const records: Array<[string, string, string]> = [
    ['example.test', 'A', '127.0.0.1'],
    ['www.example.test', 'AAAA', '::1'],
    ['example.test', 'NS', 'ns1.example.test.'],
    ['example.test', 'SOA', 'ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300'],
    ['example.test', 'MX', '10 mail.example.test.'],
    ['example.test', 'TXT', '"v=spf1 -all"'],
    ['example.test', 'CAA', '0 issue "example.test"'],
    ['_http._tcp.example.test', 'SRV', '0 5 10080 www.example.test.'],
    ['alias.example.test', 'CNAME', 'www.example.test.'],
    ['x.wild.example.test', 'A', '127.0.0.2'],
    ['1.0.0.127.in-addr.arpa', 'PTR', 'localhost.'],
  ];
  for (const [name, type, expected] of records) {
    test(`dig gets ${name} ${type} from polyport`, needs('dig'), async () => {
      assert.equal((await dig('+short', name, type)).trim(), expected);
      const full = await dig(name, type);
      assert.match(full, /status: NOERROR/);
      assert.match(full, /flags: qr aa rd;/);
    });
  }

  test('dig sees NXDOMAIN with the SOA in the authority section', needs('dig'), async () => {
    const out = await dig('nope.example.test', 'A');
    assert.match(out, /status: NXDOMAIN/);
    assert.match(out, /AUTHORITY SECTION:\nexample\.test\.\s+300\s+IN\s+SOA/);
  });

  test('dig sees NODATA as NOERROR with no answer', needs('dig'), async () => {
    const out = await dig('www.example.test', 'MX');
    assert.match(out, /status: NOERROR/);
    assert.match(out, /ANSWER: 0, AUTHORITY: 1/);
  });

  test('dig follows the CNAME chain polyport sends', needs('dig'), async () => {
    assert.equal(
      (await dig('+short', 'alias.example.test', 'A')).trim(),
      'www.example.test.\n127.0.0.1',
    );
  });

  test('dig +tcp gets the answer over TCP', needs('dig'), async () => {
    const out = await dig('+tcp', 'www.example.test', 'A');
    assert.match(out, /www\.example\.test\.\s+300\s+IN\s+A\s+127\.0\.0\.1/);
    assert.match(out, /\(TCP\)/);
  });

  test('dig +edns sees an OPT record with our payload size', needs('dig'), async () => {
    const out = await dig('+edns=0', '+bufsize=4096', 'www.example.test', 'A');
    assert.match(out, /EDNS: version: 0, flags:; udp: 1232/);
  });

  test(
    'dig +ignore sees TC on a big answer over UDP; plain dig retries over TCP',
    needs('dig'),
    async () => {
      const cut = await dig('+ignore', '+noedns', 'big.example.test', 'TXT');
      assert.match(cut, /flags: qr aa tc rd;/);
      const whole = await dig('+noedns', 'big.example.test', 'TXT');
      assert.match(whole, /Truncated, retrying in TCP mode/);
      assert.match(whole, /ANSWER: 1,/);
      assert.match(whole, /string 20 of the big TXT record/);
    },
  );

  test('dig queries are logged through the observer', needs('dig'), async () => {
    await dig('mail.example.test', 'A');
    assert.ok(live.queries.some((q) => q.name === 'mail.example.test' && q.rcode === 'NOERROR'));
  });
});

describe('polyport against dnsmasq', () => {
  let child: ChildProcess | null = null;
  let port = 0;

  before(async () => {
    if (needs('dnsmasq').skip !== undefined) return;
    port = await freePort();
    child = spawn(
      'dnsmasq',
      [
        '--no-daemon',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--pid-file',
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        `--port=${port}`,
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        '--local=/dm.test/',
        '--address=/addr.dm.test/192.0.2.1',
        '--host-record=host.dm.test,192.0.2.2,2001:db8::2',
        '--txt-record=txt.dm.test,hello world',
        '--mx-host=dm.test,mail.dm.test,10',
        '--srv-host=_http._tcp.dm.test,host.dm.test,8080,1,2',
        '--cname=alias.dm.test,host.dm.test',
      ],
      { stdio: 'ignore' },
    );
    // Ready once it answers.
    const probe = new Resolver({ server: ['127.0.0.1', port], timeout: 0.2, tries: 1 });
    for (let i = 0; i < 50; i++) {
      try {
        await probe.query('host.dm.test');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('dnsmasq did not start');
  });
  after(() => {
    child?.kill('SIGTERM');
  });

  const resolver = (): Resolver => new Resolver({ server: ['127.0.0.1', port], timeout: 2 });

  test(
    'the Resolver gets A, AAAA, TXT, MX, SRV and CNAME data from dnsmasq',
    needs('dnsmasq'),
    async () => {
      const r = resolver();
      assert.deepEqual(await r.resolve4('host.dm.test'), ['192.0.2.2']);
      assert.deepEqual(await r.resolve6('host.dm.test'), ['2001:db8::2']);
      assert.deepEqual(await r.resolve4('anything.addr.dm.test'), ['192.0.2.1']);
      assert.deepEqual(await r.resolveTxt('txt.dm.test'), [['hello world']]);
      assert.deepEqual(await r.resolveMx('dm.test'), [
        { preference: 10, exchange: 'mail.dm.test' },
      ]);
      assert.deepEqual(await r.resolveSrv('_http._tcp.dm.test'), [
        { priority: 1, weight: 2, port: 8080, target: 'host.dm.test' },
      ]);
      assert.deepEqual(await r.resolve4('alias.dm.test'), ['192.0.2.2']);
    },
  );

  test(
    'the Resolver gets the PTR dnsmasq derives from a host record',
    needs('dnsmasq'),
    async () => {
      assert.deepEqual(await resolver().reverse('192.0.2.2'), ['host.dm.test']);
    },
  );

  test('the Resolver reports dnsmasq NXDOMAIN as DnsNxdomainError', needs('dnsmasq'), async () => {
    const r = resolver();
    assert.equal((await r.query('nope.dm.test')).rcode, Rcode.NXDOMAIN);
    await assert.rejects(r.resolve4('nope.dm.test'), DnsNxdomainError);
  });

  test('the Resolver asks dnsmasq over TCP too', needs('dnsmasq'), async () => {
    const reply = await resolver().query('host.dm.test', RRType.A, { tcp: true });
    assert.equal(reply.answers.length, 1);
  });

  test('polyport dig prints dnsmasq answers', needs('dnsmasq'), async () => {
    const io = captureIO();
    const code = await digCommand.run(['@127.0.0.1', '-p', String(port), 'host.dm.test'], io);
    assert.equal(code, EXIT.OK);
    assert.match(io.out(), /status: NOERROR/);
    assert.match(io.out(), /host\.dm\.test\.\t\d+\tIN\tA\t192\.0\.2\.2/);
    const short = captureIO();
    await digCommand.run(
      ['@127.0.0.1', '-p', String(port), '+short', '+tcp', 'dm.test', 'MX'],
      short,
    );
    assert.equal(short.out(), '10 mail.dm.test.\n');
  });
});

/** A port free on 127.0.0.1 for both UDP and TCP (at the moment of asking). */
async function freePort(): Promise<number> {
  for (;;) {
    const udp = socket(AF_INET, SOCK_DGRAM);
    const tcp = socket(AF_INET, SOCK_STREAM);
    try {
      await udp.bind(['127.0.0.1', 0]);
      const [, port] = udp.getsockname() as [string, number];
      await tcp.bind(['127.0.0.1', port]);
      return port;
    } catch {
      // that TCP port was taken: try another
    } finally {
      udp.close();
      tcp.close();
    }
  }
}
