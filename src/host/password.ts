/**
 * Password hashing, re-exported for the host: the implementation lives with the protocols
 * (`src/protocols/common/password.ts`), which check logins, so that they need not reach up.
 */
export * from '../protocols/common/password.js';
