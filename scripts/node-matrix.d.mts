/** Types of what scripts/node-matrix.mjs exports (tests compare them with the socket layer's). */
/** The Node.js majors CI runs the suite on. */
export declare const MAJORS: number[];
/** The switches CI's accelerators-off pass sets to `1`. */
export declare const PUBLIC_SWITCHES: string[];
