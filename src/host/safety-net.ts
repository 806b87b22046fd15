/**
 * `installSafetyNet()`: the last resort under `serve()`. An exception that nothing caught — a
 * throw in a timer or a promise chain no connection watches — would end the process and every
 * service in it; here it is logged and counted and the process keeps serving.
 */

/** How an error reached the safety net. */
export type UncaughtKind = 'uncaughtException' | 'unhandledRejection';

/**
 * Listens for `uncaughtException` and `unhandledRejection` on `process`. While installed, Node
 * neither prints such an error nor exits for it: `onError` is all that happens. If `onError`
 * throws, Node exits (code 7, as for any failing `uncaughtException` listener).
 *
 * @param onError Logs and counts what escaped.
 * @returns A function that removes both listeners (Node's defaults apply again).
 * @example
 * const uninstall = installSafetyNet((kind, err) => logger.error({ err, kind }, 'uncaught'));
 * // ... at shutdown:
 * uninstall();
 */
export function installSafetyNet(
  onError: (kind: UncaughtKind, error: unknown) => void,
): () => void {
  const onException = (error: Error): void => onError('uncaughtException', error);
  const onRejection = (reason: unknown): void => onError('unhandledRejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
