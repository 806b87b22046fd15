/**
 * The module a worker process of `serve --workers` runs (the main process forks it): it serves
 * until told to stop, then exits with the code the worker gives.
 */
import { runFleetWorker } from './fleet-worker.js';

const code = await runFleetWorker();
// Whatever is left (a stray timer, the IPC channel) must not keep a stopped worker alive.
process.exit(code);
