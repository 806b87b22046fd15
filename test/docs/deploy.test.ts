/**
 * The deployment files of deploy/ and their guide, docs/deploy.md, checked as far as this
 * machine allows without a container engine, a cluster or systemd running: the config loads
 * through the real loader (an unknown key fails), every port named in the unit, the image, the
 * manifests and the HAProxy config is one the config gives, every command they run is a real
 * `polyport` command with options `serve --help` documents, the manifests parse, the image copies
 * only what exists, and the guide quotes each file as it is. `systemd-analyze verify` and
 * `haproxy -c` check their files where installed (required under POLYPORT_REQUIRE_INTEROP=1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, posix, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  checkCredentialsPolicy,
  isLoopbackAddress,
  loadConfig,
  type PolyportConfig,
} from '../../src/host/config/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/host.js';
import { needs } from '../support/interop.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

const CONFIG = 'deploy/polyport.toml';
const UNIT = 'deploy/systemd/polyport.service';
const CONTAINERFILE = 'deploy/Containerfile';
const HAPROXY = 'deploy/haproxy/haproxy.cfg';
const KUBERNETES = 'deploy/kubernetes';
/** The public services of the shipped config, each served over TCP (DNS over UDP too). */
const PUBLIC = ['http', 'https', 'ftp', 'smtp', 'pop3', 'dns'] as const;

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The shipped config, loaded once through the loader `polyport serve --config` uses. */
const configPromise: Promise<PolyportConfig> = loadConfig({ path: join(root, CONFIG) });

/** `serve --help`'s long options, from the real CLI: an option the files use must be there. */
const serveOptionsPromise: Promise<Set<string>> = runCli(['serve', '--help']).then((run) => {
  assert.equal(run.code, 0, run.stderr);
  return new Set(run.stdout.match(/--[a-z][a-z-]*/g) ?? []);
});

/** A port as `number/protocol`, the shape every file's ports are compared in. */
type PortKey = `${number}/${'tcp' | 'udp'}`;

/** The ports the config opens to the world: the public services and FTP's passive range. */
function publicPorts(config: PolyportConfig): Set<PortKey> {
  const ports = new Set<PortKey>();
  for (const name of PUBLIC) ports.add(`${config[name].port}/tcp`);
  ports.add(`${config.dns.port}/udp`);
  const passive = config.ftp.passivePorts;
  assert.ok(passive !== null && typeof passive === 'object', 'ftp.passivePorts is a fixed range');
  for (let port = passive.low; port <= passive.high; port++) ports.add(`${port}/tcp`);
  return ports;
}

/** Asserts that `args` run `polyport serve` with options that `serve --help` documents. */
async function assertServe(args: readonly string[], where: string): Promise<void> {
  assert.equal(args[0], 'serve', `${where} runs polyport serve`);
  const documented = await serveOptionsPromise;
  for (const arg of args.filter((a) => a.startsWith('--'))) {
    assert.ok(documented.has(arg.split('=')[0] ?? arg), `${where}: ${arg} is in serve --help`);
  }
}

/** The value after `option` in `args` (`--config FILE`). */
function optionValue(args: readonly string[], option: string): string | undefined {
  const at = args.indexOf(option);
  return at === -1 ? undefined : args[at + 1];
}

/** `http --help`'s long options: a probe's options must be there. */
const httpOptionsPromise: Promise<Set<string>> = runCli(['http', '--help']).then((run) => {
  assert.equal(run.code, 0, run.stderr);
  return new Set(run.stdout.match(/--[a-z][a-z-]*/g) ?? []);
});

/** Asserts that `command` asks the admin listener's `path` with `polyport http`. */
async function assertAdminProbe(
  command: readonly string[],
  path: string,
  adminPort: number,
): Promise<void> {
  assert.equal(command[0], 'polyport');
  assert.equal(command[1], 'http');
  assert.equal(command.at(-1), `http://127.0.0.1:${adminPort}${path}`);
  const documented = await httpOptionsPromise;
  for (const arg of command.filter((a) => a.startsWith('--'))) {
    assert.ok(documented.has(arg), `${arg} is in http --help`);
  }
}

test('deploy/polyport.toml loads: public services on every address, admin on loopback, its own users', async () => {
  const config = await configPromise;
  for (const name of PUBLIC) {
    assert.equal(config[name].enabled, true, `${name} is on`);
    assert.equal(config[name].address, '0.0.0.0', `${name} listens on every address`);
    assert.ok(config[name].port > 1024, `${name} needs no privilege`);
  }
  assert.ok(isLoopbackAddress(config.admin.address));
  // Some services' tables come from their modules, not PolyportConfig's own fields.
  const tables = config as unknown as Readonly<Record<string, { readonly enabled: boolean }>>;
  for (const name of ['echo', 'discard', 'daytime', 'qotd', 'chargen', 'time', 'finger', 'ident']) {
    assert.equal(tables[name]?.enabled, false, `${name} is off`);
  }
  assert.equal(config.sampleUsers, false);
  assert.deepEqual(checkCredentialsPolicy(config), { ok: true });
  assert.equal(config.dataDir, '/var/lib/polyport');
});

test('polyport serve --config deploy/polyport.toml --print-config accepts the file', async () => {
  const run = await runCli(['serve', '--config', join(root, CONFIG), '--print-config']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^dataDir = "\/var\/lib\/polyport"$/m);
});

/** The instructions of a Containerfile: continuations joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

test('the Containerfile copies what exists, exposes the config’s ports and runs polyport serve', async () => {
  const config = await configPromise;
  const steps = instructions(read(CONTAINERFILE));
  const stages = steps.filter((s) => s.op === 'FROM');
  assert.equal(stages.length, 2, 'a build stage and a runtime stage');
  assert.match(stages[0]?.args ?? '', /^node:\S+ AS build$/);
  assert.match(stages[1]?.args ?? '', /^node:\S+$/);
  const runtimeAt = steps.indexOf(stages[1] as (typeof steps)[number]);
  const build = steps.slice(0, runtimeAt);
  const runtime = steps.slice(runtimeAt);

  // node-gyp needs these in the build stage; the runtime stage installs no dev dependency and
  // runs no package script (prepare would need tsc, install a compiler).
  const buildRuns = build.filter((s) => s.op === 'RUN').map((s) => s.args);
  assert.ok(buildRuns.some((r) => /python3/.test(r) && /\bmake\b/.test(r) && /g\+\+/.test(r)));
  assert.ok(buildRuns.some((r) => /npm ci\b/.test(r)));
  assert.ok(buildRuns.some((r) => /npm run build:native/.test(r) && /npm run build\b/.test(r)));
  const runtimeRuns = runtime.filter((s) => s.op === 'RUN').map((s) => s.args);
  assert.ok(runtimeRuns.some((r) => /npm ci --omit=dev --ignore-scripts/.test(r)));

  // Sources from the build context exist and pass the ignore file (an allow-list).
  const allowed = read('deploy/Containerfile.dockerignore')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1));
  const copies = steps.filter((s) => s.op === 'COPY').map((s) => s.args.split(/\s+/));
  let fromBuild = 0;
  for (const words of copies) {
    const from = words.find((w) => w.startsWith('--from='));
    const paths = words.filter((w) => !w.startsWith('--'));
    for (const source of paths.slice(0, -1)) {
      if (from !== undefined) {
        assert.equal(from, '--from=build');
        assert.ok(/^\/src\/(dist|build\/Release\/\*\.node)$/.test(source), source);
        fromBuild++;
        continue;
      }
      assert.ok(existsSync(join(root, source)), `COPY ${source}: no such file in the repository`);
      assert.ok(
        allowed.some((a) => a === source || (a.endsWith('/') && source.startsWith(a))) ||
          allowed.includes(`${source}/`),
        `COPY ${source} is excluded by deploy/Containerfile.dockerignore`,
      );
    }
  }
  assert.equal(fromBuild, 2, 'dist/ and the native addons come from the build stage');

  // The image runs `polyport serve` with the config it copied, as a non-root user.
  const user = runtime.findLast((s) => s.op === 'USER')?.args;
  assert.ok(user !== undefined && user !== 'root' && user !== '0', 'a non-root user');
  const json = (op: string): string[] =>
    JSON.parse(runtime.find((s) => s.op === op)?.args ?? 'null') as string[];
  assert.deepEqual(json('ENTRYPOINT'), ['polyport']);
  const cmd = json('CMD');
  await assertServe(cmd, 'CMD');
  const copiedConfig = copies.find((w) => w.includes(CONFIG))?.at(-1);
  assert.equal(optionValue(cmd, '--config'), copiedConfig);
  assert.ok(
    runtimeRuns.some((r) => r.includes('ln -s /app/dist/bin/polyport.cjs /usr/local/bin/polyport')),
    'polyport is on PATH',
  );

  const exposed = new Set<PortKey>();
  for (const word of runtime.find((s) => s.op === 'EXPOSE')?.args.split(/\s+/) ?? []) {
    const [ports = '', protocol = 'tcp'] = word.split('/');
    const [low, high = low] = ports.split('-').map(Number);
    for (let port = low ?? 0; port <= (high ?? 0); port++) {
      exposed.add(`${port}/${protocol as 'tcp' | 'udp'}`);
    }
  }
  assert.deepEqual([...exposed].sort(), [...publicPorts(config)].sort());

  const health = runtime.find((s) => s.op === 'HEALTHCHECK')?.args ?? '';
  const probe = JSON.parse(health.slice(health.indexOf('CMD ') + 4)) as string[];
  await assertAdminProbe(probe, '/readyz', config.admin.port);
});

test('the CLI the image runs needs no dev dependency: every package src/ imports is a dependency', () => {
  const pkg = JSON.parse(read('package.json')) as {
    name: string;
    dependencies: Record<string, string>;
  };
  const allowed = new Set([pkg.name, ...Object.keys(pkg.dependencies), ...builtinModules]);
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  const imported = new Set<string>();
  for (const file of files) {
    const text = read(`src/${file}`);
    const statements = text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+'([^']+)'/gm);
    const dynamic = text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g);
    for (const [, specifier = ''] of [...statements, ...dynamic]) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''));
    }
  }
  assert.ok(imported.has('smol-toml'), 'the scan finds the config parser');
  for (const name of imported)
    assert.ok(allowed.has(name), `src/ imports ${name}: not a dependency`);
});

/** Every `*.yaml` in deploy/kubernetes/, each document parsed (a YAML error fails). */
function manifests(): Array<{ file: string; doc: Record<string, unknown> }> {
  const out: Array<{ file: string; doc: Record<string, unknown> }> = [];
  for (const file of readdirSync(join(root, KUBERNETES)).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(read(`${KUBERNETES}/${file}`))) {
      assert.deepEqual(doc.errors, [], `${file} parses`);
      out.push({ file, doc: doc.toJS() as Record<string, unknown> });
    }
  }
  return out;
}

/** The parts of the manifests the checks read (the YAML holds more). */
interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
}
interface ExecProbe {
  readonly exec: { readonly command: string[] };
}
interface Container {
  readonly args: string[];
  readonly ports: ContainerPort[];
  readonly readinessProbe: ExecProbe;
  readonly livenessProbe: ExecProbe;
  readonly lifecycle?: { readonly preStop?: ExecProbe };
  readonly volumeMounts: Array<{ readonly name: string; readonly mountPath: string }>;
  readonly securityContext: {
    readonly allowPrivilegeEscalation: boolean;
    readonly capabilities: { readonly drop: string[] };
  };
  readonly resources: {
    readonly requests: { readonly cpu?: string };
    readonly limits: { readonly memory?: string };
  };
}
interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly persistentVolumeClaim?: { readonly claimName: string };
}
interface Deployment {
  readonly spec: {
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly template: {
      readonly spec: {
        readonly containers: Container[];
        readonly volumes: Volume[];
        readonly terminationGracePeriodSeconds: number;
        readonly securityContext: { readonly runAsNonRoot: boolean; readonly runAsUser: number };
      };
    };
  };
}
interface Service {
  readonly spec: {
    readonly selector: Record<string, string>;
    readonly externalTrafficPolicy: string;
    readonly ports: Array<{
      readonly name: string;
      readonly port: number;
      readonly targetPort: string | number;
      readonly protocol: 'TCP' | 'UDP';
    }>;
  };
}
interface Named {
  readonly metadata: { readonly name: string };
}
interface ConfigMap extends Named {
  readonly data: Record<string, string>;
}

/** The one manifest of `kind`. */
function manifest<T>(kind: string): T {
  const found = manifests().filter((m) => m.doc.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]?.doc as T;
}

test('the Kubernetes manifests parse, one of each kind, every file in the kustomization', () => {
  const all = manifests();
  const kinds = all.map((m) => m.doc.kind).sort();
  assert.deepEqual(kinds, [
    'ConfigMap',
    'Deployment',
    'Kustomization',
    'PersistentVolumeClaim',
    'Service',
  ]);
  const listed = [...manifest<{ resources: string[] }>('Kustomization').resources].sort();
  const files = all.filter((m) => m.doc.kind !== 'Kustomization').map((m) => m.file);
  assert.deepEqual(listed, files.sort());
});

test('the ConfigMap holds deploy/polyport.toml as it is', () => {
  assert.equal(manifest<ConfigMap>('ConfigMap').data['polyport.toml'], read(CONFIG));
});

test('the Deployment serves the config’s ports, probes the admin listener and runs as non-root', async () => {
  const config = await configPromise;
  const pod = manifest<Deployment>('Deployment').spec.template.spec;
  const [container, ...others] = pod.containers;
  assert.ok(container !== undefined && others.length === 0, 'one container');
  const configMap = manifest<ConfigMap>('ConfigMap');

  const ports = new Set(
    container.ports.map(
      (p): PortKey => `${p.containerPort}/${p.protocol === 'UDP' ? 'udp' : 'tcp'}`,
    ),
  );
  assert.equal(ports.size, container.ports.length, 'no port listed twice');
  assert.deepEqual([...ports].sort(), [...publicPorts(config)].sort());

  await assertServe(container.args, 'the container args');
  const configPath = optionValue(container.args, '--config') ?? '';
  const mounts = new Map(container.volumeMounts.map((m) => [m.name, m.mountPath]));
  const configVolume = pod.volumes.find((v) => v.configMap !== undefined);
  assert.equal(configVolume?.configMap?.name, configMap.metadata.name);
  assert.equal(mounts.get(configVolume?.name ?? ''), posix.dirname(configPath));
  assert.ok(basename(configPath) in configMap.data);
  const dataVolume = pod.volumes.find((v) => v.persistentVolumeClaim !== undefined);
  assert.equal(mounts.get(dataVolume?.name ?? ''), config.dataDir);
  assert.equal(
    dataVolume?.persistentVolumeClaim?.claimName,
    manifest<Named>('PersistentVolumeClaim').metadata.name,
  );

  // exec: the admin listener is on the pod's loopback, where an httpGet probe cannot reach.
  await assertAdminProbe(container.readinessProbe.exec.command, '/readyz', config.admin.port);
  await assertAdminProbe(container.livenessProbe.exec.command, '/healthz', config.admin.port);

  const grace = Number(optionValue(container.args, '--grace') ?? 10);
  const preStop = Number(container.lifecycle?.preStop?.exec?.command?.at(-1) ?? 0);
  assert.ok(pod.terminationGracePeriodSeconds > grace + preStop, 'the pod outlives the grace');

  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
  assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
});

test('the Service publishes every container port, and keeps the client address (Local)', () => {
  const deployment = manifest<Deployment>('Deployment');
  const service = manifest<Service>('Service');
  const ports = deployment.spec.template.spec.containers[0]?.ports ?? [];
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  assert.equal(service.spec.externalTrafficPolicy, 'Local');
  const byName = new Map(ports.map((p) => [p.name, p]));
  const targets = new Set<string>();
  for (const port of service.spec.ports) {
    const target =
      typeof port.targetPort === 'string'
        ? byName.get(port.targetPort)
        : ports.find((p) => p.containerPort === port.targetPort && p.protocol === port.protocol);
    assert.ok(target !== undefined, `service port ${port.name} targets a container port`);
    assert.equal(target.protocol, port.protocol, port.name);
    targets.add(`${target.containerPort}/${target.protocol}`);
    if (port.name.startsWith('ftp-pasv')) {
      assert.equal(port.port, target.containerPort, 'a passive port keeps its number');
    }
  }
  assert.equal(targets.size, ports.length, 'every container port is published');
});

/** A unit file's keys, each with every value it is given. */
function unitKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) keys.set(match[1] ?? '', [...(keys.get(match[1] ?? '') ?? []), match[2] ?? '']);
  }
  return keys;
}

test('the systemd unit runs polyport serve with the grace below TimeoutStopSec, hardened', async () => {
  const config = await configPromise;
  const keys = unitKeys(read(UNIT));
  const one = (key: string): string => {
    const values = keys.get(key) ?? [];
    assert.equal(values.length, 1, `${key}= once`);
    return values[0] ?? '';
  };
  const [binary = '', ...args] = one('ExecStart').split(/\s+/);
  assert.equal(basename(binary), 'polyport');
  await assertServe(args, 'ExecStart');
  assert.equal(optionValue(args, '--config'), `/etc/polyport/${basename(CONFIG)}`);
  assert.match(one('ExecReload'), /kill -HUP \$MAINPID$/);
  const grace = Number(optionValue(args, '--grace') ?? 10);
  assert.ok(Number(one('TimeoutStopSec')) > grace, 'TimeoutStopSec is above --grace');
  assert.equal(one('KillMode'), 'mixed');
  assert.equal(`/var/lib/${one('StateDirectory')}`, config.dataDir);
  assert.ok(!['root', '0', ''].includes(one('User')));
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('PrivateTmp'), 'yes');
  assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
  assert.ok(!keys.has('MemoryDenyWriteExecute'), 'V8 needs writable code pages');
});

test('systemd-analyze verify finds nothing to say about the unit', needs('systemd-analyze'), () => {
  // verify checks that ExecStart's binary exists: the unit names where `npm install -g` puts
  // polyport, so a copy names a stub instead. It warns on stderr but exits 0 for unknown keys
  // and bad values: any output is a failure.
  const dir = tempDir('polyport-unit-');
  temps.push(dir);
  const stub = join(dir, 'polyport');
  writeFileSync(stub, '#!/bin/sh\n');
  chmodSync(stub, 0o755);
  const unit = join(dir, 'polyport.service');
  writeFileSync(unit, read(UNIT).replace('/usr/local/bin/polyport ', `${stub} `));
  assert.notEqual(readFileSync(unit, 'utf8'), read(UNIT), 'the stub replaced the binary');
  const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(`${run.stdout}${run.stderr}`.trim(), '');
});

test('the HAProxy config sends PROXY v2 to the config’s ports and checks /readyz on the admin port', async () => {
  const config = await configPromise;
  const text = read(HAPROXY);
  assert.match(text, /^\s+option httpchk GET \/readyz$/m);
  assert.match(text, /^\s+http-check expect status 200$/m);
  assert.match(text, new RegExp(`^\\s+default-server check port ${config.admin.port}\\b`, 'm'));
  const servers = [...text.matchAll(/^\s+server \S+ (\S+)(.*)$/gm)];
  const proxied = servers.filter((s) => s[1]?.includes(':'));
  const tcp = PUBLIC.filter((name) => name !== 'dns').map((name) => config[name].port);
  assert.deepEqual(proxied.map((s) => Number(s[1]?.split(':')[1])).sort(), tcp.sort());
  for (const server of proxied) assert.match(server[2] ?? '', /\bsend-proxy-v2\b/);
  // The passive range goes through as it is: no port on the server, no PROXY header.
  const passive = servers.filter((s) => !s[1]?.includes(':'));
  assert.equal(passive.length, 1);
  assert.doesNotMatch(passive[0]?.[2] ?? '', /send-proxy/);
  const range = config.ftp.passivePorts as { low: number; high: number };
  assert.match(text, new RegExp(`^\\s+bind :${range.low}-${range.high}$`, 'm'));
});

test('haproxy -c accepts the HAProxy config', needs('haproxy'), () => {
  const run = spawnSync('haproxy', ['-c', '-f', join(root, HAPROXY)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test('docs/deploy.md quotes each deployment file as it is', () => {
  const doc = read('docs/deploy.md');
  const quoted = [...doc.matchAll(/<!-- (deploy\/\S+) -->\n```\w*\n([\s\S]*?)```\n/g)];
  const files = quoted.map((m) => m[1] ?? '');
  assert.deepEqual(
    [...files].sort(),
    [
      CONFIG,
      CONTAINERFILE,
      HAPROXY,
      `${KUBERNETES}/deployment.yaml`,
      `${KUBERNETES}/service.yaml`,
      UNIT,
    ].sort(),
  );
  for (const [, file = '', shown] of quoted) assert.equal(shown, read(file), file);
  for (const link of doc.matchAll(/\]\((\.\.\/deploy\/[^)#]*)\)/g)) {
    const target = join(root, 'docs', link[1] ?? '');
    assert.ok(existsSync(target), `${relative(root, target)} exists`);
  }
});

test('the README and the guide’s index link docs/deploy.md', () => {
  assert.match(read('README.md'), /\]\(docs\/deploy\.md\)/);
  assert.match(read('docs/README.md'), /\]\(deploy\.md\)/);
});
