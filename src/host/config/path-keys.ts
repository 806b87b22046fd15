/**
 * What the keys naming files and directories share: their value types, and the default of a
 * directory kept under `dataDir` (`http.root` is `dataDir + "/www"`).
 */
import type { DerivedDefault } from './key-spec.js';
import { stringType } from './value-types.js';

/**
 * A file or directory path.
 *
 * @example
 * PATH_TYPE.fromText('./site'); // './site'
 */
export const PATH_TYPE = stringType({ name: 'path' });

/**
 * A path, or `""` for "none" (the built-in quotes, a generated certificate).
 *
 * @example
 * OPTIONAL_PATH_TYPE.name; // 'path or ""'
 */
export const OPTIONAL_PATH_TYPE = stringType({ name: 'path or ""' });

/**
 * The default of a directory kept in `dataDir`.
 *
 * @param name The directory's name inside `dataDir`.
 * @returns A derived default the reference shows as `dataDir + "/<name>"`.
 * @example
 * underDataDir('www').derive(() => './polyport-data/'); // './polyport-data/www'
 */
export function underDataDir(name: string): DerivedDefault {
  return {
    describe: `dataDir + "/${name}"`,
    derive: (get) => `${String(get('dataDir')).replace(/\/+$/, '')}/${name}`,
  };
}
