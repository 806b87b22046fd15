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
export { conflict, EXPECTED_USER, hasUser } from './cross-check.js';
export {
  type ConfigResult,
  type EffectiveConfigOptions,
  effectiveConfig,
  SAMPLE_USER,
  tryEffectiveConfig,
} from './effective-config.js';
export type { DerivedDefault, KeySpec } from './key-spec.js';
export {
  type LoadConfigOptions,
  loadConfig,
  type ParsedText,
  parseConfigText,
  tryLoadConfig,
} from './load-config.js';
export { type Override, type ParsedOverrides, parseOverrides } from './overrides.js';
export { OPTIONAL_PATH_TYPE, PATH_TYPE, underDataDir } from './path-keys.js';
export type * from './polyport-config.js';
export { FTP_PERMISSIONS, LOG_LEVELS } from './polyport-config.js';
export { printConfig } from './print-config.js';
export {
  CONFIG_KEYS,
  type ConfigSchema,
  configSchema,
  SERVICES,
  USER_KEYS,
} from './schema.js';
export { schemaReference } from './schema-reference.js';
export {
  type ServiceInfo,
  type ServiceSchema,
  serviceKeys,
  serviceTable,
} from './services.js';
export {
  booleanType,
  type ConfigValue,
  enumType,
  integerType,
  listType,
  type PortRange,
  portRangeType,
  type StringTypeOptions,
  secondsType,
  stringType,
  type ValueType,
} from './value-types.js';
