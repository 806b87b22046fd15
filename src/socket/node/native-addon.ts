/**
 * Loads one of polyport's native addons (`native/*.cc`, built by `npm ci` or
 * `npm run build:native` into `build/Release/`). Each addon is optional: a caller that gets
 * null takes its public path, or says clearly which feature needs the addon.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The exports of `build/Release/<name>.node`, or null when it is not built (or does not load
 * on this Node). Node caches a loaded addon, so asking twice costs a look-up, not a load.
 * @param name the addon's target name in binding.gyp (`datagram_batch`, `reuse_port`).
 * @returns the module's exports, or null.
 * @example const addon = loadNativeAddon('reuse_port'); // null without a compiler
 */
export function loadNativeAddon(name: string): Record<string, unknown> | null {
  try {
    // The package's own name finds its root from src/ (tsx), dist/ and the bundled executable alike.
    const require = createRequire(import.meta.url);
    return require(join(require.resolve('polyport/package.json'), `../build/Release/${name}.node`));
  } catch {
    return null;
  }
}
