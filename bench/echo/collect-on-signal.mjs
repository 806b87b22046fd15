/**
 * Preloaded into every Node server of the idle-memory benchmark (idle-memory.ts, through
 * NODE_OPTIONS, the same for each): a full garbage collection on SIGUSR2. RSS is then read
 * without whatever garbage happens to wait in V8's young generation at that moment: up to tens
 * of MiB, which over 9,000 connections would be ±2 KB of noise per connection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
process.on('SIGUSR2', () => gc());
