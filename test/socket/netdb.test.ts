import assert from 'node:assert/strict';
import { hostname as osHostname } from 'node:os';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_AGAIN,
  EAI_NONAME,
  IPPROTO_TCP,
  IPPROTO_UDP,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
} from '../../src/socket/constants.js';
import { AddressInfoError, HostError, SocketError } from '../../src/socket/errors.js';
import {
  getaddrinfo,
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbynameEx,
  gethostname,
  getnameinfo,
} from '../../src/socket/netdb.js';
import {
  type NetdbBackend,
  setNetdbBackend,
  systemNetdbBackend,
} from '../../src/socket/netdb-backend.js';

const HOSTS = `# a test hosts file
127.0.0.1\tlocalhost
192.0.2.10  www.example.test www web   # the web server
192.0.2.11  mail.example.test
2001:db8::10 www6.example.test www6
`;

function nodeError(code: string): Error {
  return Object.assign(new Error(`fake ${code}`), { code });
}

/** A resolver that answers from tables and never sends a packet. */
const fake: NetdbBackend = {
  async lookup(host, family) {
    const table: Record<string, Array<{ address: string; family: number }>> = {
      localhost: [{ address: '127.0.0.1', family: 4 }],
      'www.example.test': [{ address: '192.0.2.10', family: 4 }],
      www: [{ address: '192.0.2.10', family: 4 }],
      web: [{ address: '192.0.2.10', family: 4 }],
      'dual.example.test': [
        { address: '2001:db8::1', family: 6 },
        { address: '192.0.2.1', family: 4 },
        { address: '192.0.2.2', family: 4 },
      ],
      'v6only.example.test': [{ address: '2001:db8::6', family: 6 }],
    };
    if (host === 'again.example.test') throw nodeError('EAI_AGAIN');
    if (host === 'broken.example.test') throw nodeError('EAI_FAIL');
    const hit = (table[host.toLowerCase()] ?? []).filter(
      (a) => family === 0 || a.family === family,
    );
    if (hit.length === 0) throw nodeError('ENOTFOUND');
    return hit;
  },
  async reverse(address) {
    if (address === '192.0.2.1') return 'dual.example.test';
    if (address === '198.51.100.9') return 'far.other.test';
    if (address === '192.0.2.99') throw nodeError('EAI_AGAIN');
    throw nodeError('ENOTFOUND');
  },
  hostsFile: async () => HOSTS,
  hostname: () => 'box.example.test',
  interfaceIndex: (name) => (name === 'eth9' ? 9 : null),
  interfaceName: (index) => (index === 9 ? 'eth9' : null),
};

/** Fails the test if anything reaches the resolver. */
const noResolver: NetdbBackend = {
  ...fake,
  lookup: () => assert.fail('numeric hosts must not reach the resolver'),
  reverse: () => assert.fail('NI_NUMERICHOST must not reach the resolver'),
};

async function using<T>(backend: NetdbBackend, body: () => Promise<T>): Promise<T> {
  setNetdbBackend(backend);
  try {
    return await body();
  } finally {
    setNetdbBackend(null);
  }
}

/** Asserts that `promise` rejects with this error class, code and errno. */
async function rejectsWith(
  promise: Promise<unknown>,
  Class: typeof AddressInfoError | typeof HostError | typeof SocketError,
  code: string,
  errno?: number,
  message?: string,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof Class, `expected ${Class.name}, got ${String(err)}`);
    assert.equal(err.code, code);
    if (errno !== undefined) assert.equal(err.errno, errno);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

test('gethostname() gives the machine name', () => {
  assert.equal(gethostname(), osHostname());
});

test('getaddrinfo() expands a numeric host to one entry per socket type, as glibc does', async () => {
  await using(noResolver, async () => {
    assert.deepEqual(await getaddrinfo('127.0.0.1', 80), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 80]],
      [AF_INET, SOCK_RAW, 0, '', ['127.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo('1', 80, 0, SOCK_STREAM), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['0.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo('0x7f.1', '80', 0, SOCK_STREAM), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo('::FFFF:1.2.3.4', 80, 0, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::ffff:1.2.3.4', 80, 0, 0]],
    ]);
    assert.deepEqual(await getaddrinfo('127.0.0.1', null, AF_INET, SOCK_DGRAM), [
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 0]],
    ]);
  });
});

test('getaddrinfo() takes numeric and named scope ids on IPv6 hosts', async () => {
  await using(noResolver, async () => {
    assert.deepEqual(await getaddrinfo('fe80::1%9', 80, 0, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['fe80::1', 80, 0, 9]],
    ]);
    assert.deepEqual(await getaddrinfo('fe80::1%eth9', 80, 0, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['fe80::1', 80, 0, 9]],
    ]);
    await rejectsWith(getaddrinfo('fe80::1%nope', 80), AddressInfoError, 'EAI_NONAME', -2);
  });
});

test('getaddrinfo() with a null host gives loopback, or the wildcard with AI_PASSIVE', async () => {
  await using(noResolver, async () => {
    assert.deepEqual(await getaddrinfo(null, 80, 0, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::1', 80, 0, 0]],
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo(null, 80, 0, SOCK_STREAM, 0, AI_PASSIVE), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['0.0.0.0', 80]],
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::', 80, 0, 0]],
    ]);
    assert.deepEqual(await getaddrinfo(null, 80, AF_INET6, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::1', 80, 0, 0]],
    ]);
    assert.deepEqual(await getaddrinfo('*', 80, AF_INET, SOCK_STREAM, 0, AI_PASSIVE), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['0.0.0.0', 80]],
    ]);
  });
});

test('getaddrinfo() looks service names up per socket type as glibc does', async () => {
  await using(noResolver, async () => {
    assert.deepEqual(await getaddrinfo('127.0.0.1', 'http'), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo('127.0.0.1', 'domain'), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 53]],
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 53]],
    ]);
    assert.deepEqual(await getaddrinfo('127.0.0.1', 80, 0, 0, IPPROTO_TCP), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
    ]);
    assert.deepEqual(await getaddrinfo('127.0.0.1', null, 0, SOCK_RAW, 1), [
      [AF_INET, SOCK_RAW, 1, '', ['127.0.0.1', 0]],
    ]);
    assert.deepEqual(await getaddrinfo('127.0.0.1', ' 80', 0, SOCK_STREAM), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]],
    ]);
  });
});

test('getaddrinfo() rejects bad services, types, families and flags with the gaierror Python gives', async () => {
  await using(noResolver, async () => {
    const cases: ReadonlyArray<readonly [Promise<unknown>, string, number]> = [
      [getaddrinfo('127.0.0.1', 'nope'), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', '-1'), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', '0x50'), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', '70000'), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', 80, 0, SOCK_RAW), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', 'http', 0, SOCK_DGRAM), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', 80, 0, 0, 1), 'EAI_SERVICE', -8],
      [getaddrinfo('127.0.0.1', 80, 0, 99), 'EAI_SOCKTYPE', -7],
      [getaddrinfo('127.0.0.1', 80, 0, SOCK_STREAM, IPPROTO_UDP), 'EAI_SOCKTYPE', -7],
      [getaddrinfo('127.0.0.1', 80, AF_UNIX), 'EAI_FAMILY', -6],
      [getaddrinfo('127.0.0.1', 80, 0, 0, 0, 0x8000), 'EAI_BADFLAGS', -1],
      [getaddrinfo(null, 80, 0, 0, 0, AI_CANONNAME), 'EAI_BADFLAGS', -1],
      [getaddrinfo(null, null), 'EAI_NONAME', -2],
      [getaddrinfo('', 80), 'EAI_NONAME', -2],
      [getaddrinfo('127.0.0.1 ', 80, 0, 0, 0, AI_NUMERICHOST), 'EAI_NONAME', -2],
      [getaddrinfo('localhost', 80, 0, 0, 0, AI_NUMERICHOST), 'EAI_NONAME', -2],
      [getaddrinfo('127.0.0.1', 'http', 0, 0, 0, AI_NUMERICSERV), 'EAI_NONAME', -2],
      [getaddrinfo('127.0.0.1', 80, AF_INET6), 'EAI_ADDRFAMILY', -9],
      [getaddrinfo('::1', 80, AF_INET), 'EAI_ADDRFAMILY', -9],
    ];
    for (const [promise, code, errno] of cases) {
      await rejectsWith(promise, AddressInfoError, code, errno);
    }
    await rejectsWith(
      getaddrinfo('127.0.0.1', 80, 0, 99),
      AddressInfoError,
      'EAI_SOCKTYPE',
      -7,
      'getaddrinfo: ai_socktype not supported (EAI_SOCKTYPE)',
    );
  });
});

test('getaddrinfo() rejects wrong argument shapes with TypeError and RangeError', async () => {
  await assert.rejects(getaddrinfo(7 as unknown as string, 80), TypeError);
  await assert.rejects(getaddrinfo('127.0.0.1', 80.5), TypeError);
  await assert.rejects(getaddrinfo('127.0.0.1', {} as unknown as number), TypeError);
  await assert.rejects(getaddrinfo('127.0.0.1', 80, 0.5), TypeError);
  await assert.rejects(getaddrinfo('127.0.0.1', 70000), {
    name: 'RangeError',
    message: /port must be 0-65535/,
  });
  await assert.rejects(getaddrinfo('127.0.0.1', -1), RangeError);
});

test('getaddrinfo() maps IPv4 to IPv6 with AI_V4MAPPED', async () => {
  await using(noResolver, async () => {
    assert.deepEqual(await getaddrinfo('127.0.0.1', 80, AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['::ffff:127.0.0.1', 80, 0, 0]],
    ]);
  });
});

test('getaddrinfo() reports the canonical name on the first entry only with AI_CANONNAME', async () => {
  await using(fake, async () => {
    assert.deepEqual(await getaddrinfo('127.0.0.1', 80, 0, 0, 0, AI_CANONNAME), [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '127.0.0.1', ['127.0.0.1', 80]],
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, '', ['127.0.0.1', 80]],
      [AF_INET, SOCK_RAW, 0, '', ['127.0.0.1', 80]],
    ]);
    const byAlias = await getaddrinfo('WWW', 80, 0, SOCK_STREAM, 0, AI_CANONNAME);
    assert.deepEqual(byAlias, [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, 'www.example.test', ['192.0.2.10', 80]],
    ]);
    const plain = await getaddrinfo('www', 80, 0, SOCK_STREAM);
    assert.equal(plain[0]?.[3], '');
  });
});

test('getaddrinfo() keeps the resolver order of a name with several addresses', async () => {
  await using(fake, async () => {
    assert.deepEqual(await getaddrinfo('dual.example.test', 'https', 0, SOCK_STREAM), [
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, '', ['2001:db8::1', 443, 0, 0]],
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['192.0.2.1', 443]],
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['192.0.2.2', 443]],
    ]);
    const v4 = await getaddrinfo('dual.example.test', 443, AF_INET, SOCK_STREAM);
    assert.deepEqual(
      v4.map((r) => r[4][0]),
      ['192.0.2.1', '192.0.2.2'],
    );
  });
});

test('getaddrinfo() maps resolver failures to EAI_NONAME, EAI_AGAIN and EAI_FAIL', async () => {
  await using(fake, async () => {
    await rejectsWith(
      getaddrinfo('nowhere.example.test', 80),
      AddressInfoError,
      'EAI_NONAME',
      EAI_NONAME,
      'getaddrinfo nowhere.example.test: name or service not known (EAI_NONAME)',
    );
    await rejectsWith(getaddrinfo('again.example.test', 80), AddressInfoError, 'EAI_AGAIN', -3);
    await rejectsWith(getaddrinfo('broken.example.test', 80), AddressInfoError, 'EAI_FAIL', -4);
    await rejectsWith(
      getaddrinfo('v6only.example.test', 80, AF_INET),
      AddressInfoError,
      'EAI_NONAME',
    );
  });
});

test('getaddrinfo() resolves localhost through the system resolver', async () => {
  const results = await getaddrinfo('localhost', 80, AF_INET, SOCK_STREAM);
  assert.ok(results.length >= 1);
  assert.deepEqual(results[0], [AF_INET, SOCK_STREAM, IPPROTO_TCP, '', ['127.0.0.1', 80]]);
});

test('getaddrinfo() fails fast for a .invalid name, which RFC 6761 says never resolves', {
  timeout: 30_000,
}, async () => {
  await assert.rejects(getaddrinfo('nonexistent.invalid', 80), (err: unknown) => {
    assert.ok(err instanceof AddressInfoError, String(err));
    // EAI_AGAIN where no DNS server can be reached; EAI_NONAME where one answers.
    assert.ok([EAI_NONAME, EAI_AGAIN].includes(err.errno), `${err.code} ${err.errno}`);
    return true;
  });
});

test('gethostbyname() gives one IPv4 address and Python\u2019s special cases', async () => {
  assert.equal(await gethostbyname('localhost'), '127.0.0.1');
  await using(noResolver, async () => {
    assert.equal(await gethostbyname(''), '0.0.0.0');
    assert.equal(await gethostbyname('<broadcast>'), '255.255.255.255');
    assert.equal(await gethostbyname('1'), '0.0.0.1');
    assert.equal(await gethostbyname('10.0.0.1'), '10.0.0.1');
    await rejectsWith(gethostbyname('::1'), AddressInfoError, 'EAI_ADDRFAMILY', -9);
  });
  await using(fake, async () => {
    assert.equal(await gethostbyname('dual.example.test'), '192.0.2.1');
    await rejectsWith(gethostbyname('nowhere.example.test'), AddressInfoError, 'EAI_NONAME', -2);
  });
  await assert.rejects(gethostbyname(null as unknown as string), TypeError);
});

test('gethostbynameEx() gives the official name and aliases from the hosts file', async () => {
  await using(fake, async () => {
    assert.deepEqual(await gethostbynameEx('web'), [
      'www.example.test',
      ['www', 'web'],
      ['192.0.2.10'],
    ]);
    assert.deepEqual(await gethostbynameEx('dual.example.test'), [
      'dual.example.test',
      [],
      ['192.0.2.1', '192.0.2.2'],
    ]);
    assert.deepEqual(await gethostbynameEx('1'), ['1', [], ['0.0.0.1']]);
    assert.deepEqual(await gethostbynameEx('127.0.0.1'), ['127.0.0.1', [], ['127.0.0.1']]);
    await rejectsWith(gethostbynameEx('nowhere.example.test'), AddressInfoError, 'EAI_NONAME');
    await rejectsWith(gethostbynameEx(''), HostError, 'NO_RECOVERY', 3);
  });
  assert.deepEqual(await gethostbynameEx('localhost'), ['localhost', [], ['127.0.0.1']]);
});

test('gethostbyaddr() names an address from the hosts file, then the resolver', async () => {
  await using(fake, async () => {
    assert.deepEqual(await gethostbyaddr('192.0.2.10'), [
      'www.example.test',
      ['www', 'web'],
      ['192.0.2.10'],
    ]);
    assert.deepEqual(await gethostbyaddr('2001:DB8::10'), [
      'www6.example.test',
      ['www6'],
      ['2001:db8::10'],
    ]);
    assert.deepEqual(await gethostbyaddr('192.0.2.1'), ['dual.example.test', [], ['192.0.2.1']]);
    assert.deepEqual(await gethostbyaddr('www'), [
      'www.example.test',
      ['www', 'web'],
      ['192.0.2.10'],
    ]);
  });
  assert.deepEqual(await gethostbyaddr('127.0.0.1'), ['localhost', [], ['127.0.0.1']]);
});

test('gethostbyaddr() raises herror "unknown host" for an address without a name', async () => {
  await using(fake, async () => {
    await rejectsWith(
      gethostbyaddr('192.0.2.200'),
      HostError,
      'HOST_NOT_FOUND',
      1,
      'gethostbyaddr 192.0.2.200: unknown host (HOST_NOT_FOUND)',
    );
    await rejectsWith(gethostbyaddr('192.0.2.99'), HostError, 'TRY_AGAIN', 2);
    await rejectsWith(gethostbyaddr('nowhere.example.test'), AddressInfoError, 'EAI_NONAME', -2);
    await rejectsWith(
      gethostbyaddr(''),
      SocketError,
      'EINVAL',
      undefined,
      'gethostbyaddr: wildcard resolved to multiple address (EINVAL)',
    );
  });
});

test('getnameinfo() gives host and service names as Python does', async () => {
  assert.deepEqual(await getnameinfo(['127.0.0.1', 80], 0), ['localhost', 'http']);
  await using(fake, async () => {
    assert.deepEqual(await getnameinfo(['192.0.2.1', 80], 0), ['dual.example.test', 'http']);
    assert.deepEqual(await getnameinfo(['127.0.0.1', 53], NI_DGRAM), ['localhost', 'domain']);
    assert.deepEqual(await getnameinfo(['127.0.0.1', 12345], 0), ['localhost', '12345']);
    assert.deepEqual(await getnameinfo(['192.0.2.200', 80], 0), ['192.0.2.200', 'http']);
    assert.deepEqual(await getnameinfo(['2001:db8::10', 80, 0, 0], 0), [
      'www6.example.test',
      'http',
    ]);
    assert.deepEqual(await getnameinfo(['1', 80], NI_NUMERICHOST), ['0.0.0.1', 'http']);
  });
});

test('getnameinfo() with NI_NUMERICHOST and NI_NUMERICSERV never asks the resolver', async () => {
  await using(noResolver, async () => {
    const both = NI_NUMERICHOST | NI_NUMERICSERV;
    assert.deepEqual(await getnameinfo(['127.0.0.1', 80], both), ['127.0.0.1', '80']);
    assert.deepEqual(await getnameinfo(['fe80::1', 80, 0, 9], NI_NUMERICHOST), [
      'fe80::1%eth9',
      'http',
    ]);
    assert.deepEqual(await getnameinfo(['::1', 80, 0, 7], NI_NUMERICHOST), ['::1%7', 'http']);
    assert.deepEqual(await getnameinfo(['fe80::1%eth9', 80], NI_NUMERICHOST), ['fe80::1', 'http']);
  });
});

test('getnameinfo() honours NI_NAMEREQD and NI_NOFQDN', async () => {
  await using(fake, async () => {
    await rejectsWith(
      getnameinfo(['192.0.2.200', 80], NI_NAMEREQD),
      AddressInfoError,
      'EAI_NONAME',
      -2,
    );
    await rejectsWith(
      getnameinfo(['192.0.2.99', 80], NI_NAMEREQD),
      AddressInfoError,
      'EAI_AGAIN',
      -3,
    );
    assert.deepEqual(await getnameinfo(['192.0.2.1', 80], NI_NOFQDN), ['dual', 'http']);
    assert.deepEqual(await getnameinfo(['198.51.100.9', 80], NI_NOFQDN), [
      'far.other.test',
      'http',
    ]);
  });
});

test('getnameinfo() rejects bad sockaddrs and flags as Python does', async () => {
  await using(noResolver, async () => {
    await rejectsWith(getnameinfo(['localhost', 80], 0), AddressInfoError, 'EAI_NONAME', -2);
    await rejectsWith(
      getnameinfo(['127.0.0.1', 80, 0, 0], 0),
      SocketError,
      'EINVAL',
      undefined,
      'getnameinfo: IPv4 sockaddr must be 2 tuple (EINVAL)',
    );
    await rejectsWith(getnameinfo(['127.0.0.1', 80], 0x1000), AddressInfoError, 'EAI_BADFLAGS', -1);
    await assert.rejects(getnameinfo(['::1', 80, 0x100000, 0], 0), {
      name: 'RangeError',
      message: 'getnameinfo(): flowinfo must be 0-1048575.',
    });
    await assert.rejects(getnameinfo(['127.0.0.1', 70000], 0), RangeError);
    const illegal = { name: 'TypeError', message: 'getnameinfo(): illegal sockaddr argument' };
    await assert.rejects(getnameinfo(['127.0.0.1'] as unknown as [string, number], 0), illegal);
    await assert.rejects(getnameinfo([80, 80] as unknown as [string, number], 0), illegal);
    await assert.rejects(getnameinfo('127.0.0.1' as unknown as [string, number], 0), TypeError);
  });
});

test('getfqdn() prefers a dotted name and falls back to the name given', async () => {
  await using(fake, async () => {
    assert.equal(await getfqdn('web'), 'www.example.test');
    assert.equal(await getfqdn(' 192.0.2.1 '), 'dual.example.test');
    assert.equal(await getfqdn('nowhere.example.test'), 'nowhere.example.test');
    assert.equal(await getfqdn('192.0.2.200'), '192.0.2.200');
  });
  assert.equal(await getfqdn('127.0.0.1'), 'localhost');
  assert.equal(typeof (await getfqdn()), 'string');
});

test('getaddrinfo() and getnameinfo() answer random hosts and ports with results or errors, never a crash', async () => {
  await using(
    { ...fake, reverse: async () => Promise.reject(nodeError('ENOTFOUND')) },
    async () => {
      const host = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdefx.:%'.split('')), maxLength: 40 }),
      );
      const port = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.string({ maxLength: 8 }));
      await fc.assert(
        fc.asyncProperty(host, port, fc.integer({ min: 0, max: 0x7ff }), async (h, p, flags) => {
          try {
            for (const r of await getaddrinfo(h, p, 0, 0, 0, flags)) {
              assert.ok(r[0] === AF_INET || r[0] === AF_INET6);
            }
          } catch (err) {
            assert.ok(err instanceof AddressInfoError, String(err));
          }
          try {
            await getnameinfo([h, typeof p === 'number' ? p : 0], flags & 0x1f);
          } catch (err) {
            assert.ok(err instanceof SocketError, String(err));
          }
        }),
        { numRuns: 500 },
      );
    },
  );
});

test('setNetdbBackend(null) restores the system backend', async () => {
  setNetdbBackend(fake);
  assert.equal(gethostname(), 'box.example.test');
  setNetdbBackend(null);
  assert.equal(gethostname(), systemNetdbBackend.hostname());
});
