/**
 * "Did you mean" for unknown config keys: the one nearest-word finder, shared with the command
 * line's unknown options (it lives beside them, in `protocols/common`).
 */
export { editDistance, suggest } from '../../protocols/common/suggest.js';
