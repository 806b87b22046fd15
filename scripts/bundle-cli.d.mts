/** Types of what scripts/bundle-cli.mjs exports (the bundled-executable test uses them). */
/** Where `npm run build` puts the executable. */
export declare const BIN_DIR: string;
/** Bundles src/cli/bin.ts into `outdir`; resolves with the executable's path. */
export declare function bundleCli(outdir?: string): Promise<string>;
