/**
 * Test helper kept as a path only: the one `chunkings()` is polyport/testing's. New tests import
 * it from there; this re-export goes once no FTP test imports './feed.js'.
 */
export { chunkings } from '../../../src/testing/index.js';
