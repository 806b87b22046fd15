/**
 * The configuration of `polyport serve`: schema, loading, validation, `--set` overrides,
 * effective config, printing, the sample-credentials rule and the generated reference.
 */

export { isIPv4, isIPv6 } from '../../socket/inet.js';
export {
  isListenAddress,
  isLoopbackAddress,
  isMailbox,
} from './address-syntax.js';
export { ConfigError, type ConfigIssue, type ConfigIssueKind } from './config-error.js';
export {
  type CredentialsPolicyResult,
  checkCredentialsPolicy,
} from './credentials-policy.js';
export {
  type ConfigResult,
  type EffectiveConfigOptions,
  effectiveConfig,
  SAMPLE_USER,
  tryEffectiveConfig,
} from './effective-config.js';
export type { KeySpec } from './key-spec.js';
export {
  type LoadConfigOptions,
  loadConfig,
  type ParsedText,
  parseConfigText,
  tryLoadConfig,
} from './load-config.js';
export { type Override, type ParsedOverrides, parseOverrides } from './overrides.js';
export type * from './polyport-config.js';
export { printConfig } from './print-config.js';
export {
  CONFIG_KEYS,
  FTP_PERMISSIONS,
  type FtpPermission,
  LOG_LEVELS,
  USER_KEYS,
} from './schema.js';
export { schemaReference } from './schema-reference.js';
export { SERVICES, type ServiceInfo, serviceKeys } from './services.js';
export type { ConfigValue, PortRange, ValueType } from './value-types.js';
