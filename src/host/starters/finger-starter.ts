/**
 * finger (RFC 1288), answering from the configured users.
 */
import { type FingerUser, startFingerService } from '../../protocols/finger/index.js';
import { running, type ServiceStarter, serverOptions } from './start-context.js';

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

/** Starts finger. */
export const fingerStarter: ServiceStarter = async (context) => {
  const { finger, users, sampleUsers } = context.config;
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
};
