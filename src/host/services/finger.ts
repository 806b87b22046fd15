/**
 * finger (RFC 1288), answering from the configured users; `polyport finger` is its client.
 */
import {
  type FingerUser,
  fingerCommand,
  startFingerService,
} from '../../protocols/finger/index.js';
import { conflict, EXPECTED_USER, hasUser } from '../config/cross-check.js';
import type { FingerServiceConfig } from '../config/polyport-config.js';
import { booleanType, listType, stringType } from '../config/value-types.js';
import type { ServiceModule } from '../service-module.js';
import { running, serverOptions } from '../starters/start-context.js';

/** Extra people the sample finger service knows, so that a listing shows more than one. */
const SAMPLE_FINGER_USERS: readonly FingerUser[] = [
  {
    login: 'alice',
    name: 'Alice Liddell',
    home: '/home/alice',
    shell: '/bin/sh',
    office: 'Rabbit Hole 1',
    plan: 'Follow the white rabbit.',
  },
  {
    login: 'bob',
    name: 'Bob Smith',
    home: '/home/bob',
    shell: '/bin/bash',
    project: 'Testing finger on loopback.',
  },
];

/**
 * `[finger]`: the finger server, and `polyport finger`.
 *
 * @example
 * serviceTable(config, fingerService)?.allowForwarding; // false
 */
export const fingerService: ServiceModule<FingerServiceConfig> = {
  name: 'finger',
  title: 'Finger (RFC 1288)',
  wellKnownPort: 79,
  datagram: false,
  maxRequestSize: 1024,
  keys: [
    {
      key: 'finger.users',
      type: listType(stringType({ name: 'user name' })),
      default: [],
      doc: 'Users finger will describe; empty means every user in [[users]].',
    },
    {
      key: 'finger.allowForwarding',
      type: booleanType(),
      default: false,
      doc: 'Honour user@host@host queries (RFC 1288 section 3.2.1 advises off).',
    },
  ],
  crossCheck(finger, config) {
    return finger.users
      .filter((name) => !hasUser(config, name))
      .map((name) => conflict('finger.users', name, EXPECTED_USER));
  },
  async start(context, finger) {
    const { users, sampleUsers } = context.config;
    if (!finger.enabled) return null;
    const shown =
      finger.users.length > 0 ? users.filter((u) => finger.users.includes(u.name)) : users;
    const records: FingerUser[] = shown.map((u) => ({
      login: u.name,
      name: u.realName || u.name,
      home: `/home/${u.name}`,
      shell: '/bin/sh',
      ...(u.plan ? { plan: u.plan } : {}),
    }));
    if (sampleUsers) records.push(...SAMPLE_FINGER_USERS);
    const service = await startFingerService({
      ...serverOptions(context, 'finger', finger),
      users: records,
      allowForwarding: finger.allowForwarding,
    });
    return running('finger', finger.address, { tcp: service.listener.boundAddress[1] }, () =>
      service.close(),
    );
  },
  cli: { command: fingerCommand, usesLocalServer: true },
};
