/**
 * The table `polyport serve` prints at startup: one row per service, sorted by port, under a
 * first line whose count is the number of rows.
 */

/** One socket the host listens on (the fields `Host.listeners` gives). */
export interface ListedListener {
  readonly service: string;
  readonly transport: string;
  readonly address: string;
  readonly port: number;
}

/**
 * Renders the listing. A service listening on TCP and UDP at the same address and port (echo,
 * DNS) is one row, `tcp+udp`, so "14 services" heads 14 rows; rows go by port, then name, so
 * the eye finds a port at once.
 * @param listeners what the host listens on, in any order.
 * @param head the first line's start (`polyport 0.1.0`).
 * @param dataDir where the data lives, for the first line.
 * @returns the lines, each ending in `\n`.
 * @example
 * listenerListing([{ service: 'echo', transport: 'tcp', address: '127.0.0.1', port: 10007 }],
 *   'polyport 0.1.0', './polyport-data');
 * // 'polyport 0.1.0: 1 service, data in ./polyport-data\n  service  transport ...'
 */
export function listenerListing(
  listeners: readonly ListedListener[],
  head: string,
  dataDir: string,
): string {
  const rows = new Map<
    string,
    { service: string; transports: string[]; address: string; port: number }
  >();
  for (const l of listeners) {
    const key = `${l.service}\0${l.address}\0${l.port}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { ...l, transports: [l.transport] });
    else if (!row.transports.includes(l.transport)) row.transports.push(l.transport);
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.port - b.port || a.service.localeCompare(b.service) || a.address.localeCompare(b.address),
  );
  const cells = sorted.map((r) => [
    r.service,
    r.transports.sort().join('+'),
    r.address,
    String(r.port),
  ]);
  const header = ['service', 'transport', 'address', 'port'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]): string =>
    `  ${row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  const count = sorted.length;
  return [
    `${head}: ${count} ${count === 1 ? 'service' : 'services'}, data in ${dataDir}\n`,
    line(header),
    ...cells.map(line),
  ].join('');
}
