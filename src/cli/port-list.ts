/**
 * Port lists as `polyport scan` takes them: `22`, `1-1024`, `80,443,8000-8100`.
 */

/** The most entries a port list may name: one scan of every TCP port. */
export const MAX_PORT_LIST_ENTRIES = 65535;

const ITEM = /^(\d+)(?:-(\d+))?$/;

/**
 * Parses a comma-separated list of ports and inclusive ranges. Repeated ports are scanned once,
 * in the order they first appear, so `80,1-100` scans 80 first. The entry count is checked on
 * the list as written, before any expansion, so `1-65535,1-65535` is refused without building
 * a 131070-element array.
 *
 * @param text the list, e.g. `'1-1024,8080'`; spaces around items are allowed.
 * @returns the distinct ports, 1-65535, in order of first appearance.
 * @throws {SyntaxError} when an item is not a port or a `low-high` range (empty items included).
 * @throws {RangeError} for a port outside 1-65535, a range whose end is below its start, or a
 *   list naming more than {@link MAX_PORT_LIST_ENTRIES} ports.
 * @example
 * parsePortList('20-22,80'); // [20, 21, 22, 80]
 */
export function parsePortList(text: string): number[] {
  if (typeof text !== 'string') throw new TypeError('parsePortList(): the list must be a string');
  const ranges: Array<readonly [number, number]> = [];
  let entries = 0;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const match = ITEM.exec(item);
    if (match === null) {
      throw new SyntaxError(
        item === ''
          ? `empty item in port list '${text}'`
          : `'${item}' is not a port or a range like 1-1024`,
      );
    }
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    for (const port of [low, high]) {
      if (port < 1 || port > 65535) throw new RangeError(`port ${port} is outside 1-65535`);
    }
    if (high < low) throw new RangeError(`range ${item} ends before it starts`);
    entries += high - low + 1;
    if (entries > MAX_PORT_LIST_ENTRIES) {
      throw new RangeError(
        `the port list names more than ${MAX_PORT_LIST_ENTRIES} ports; scan each port once`,
      );
    }
    ranges.push([low, high]);
  }
  const seen = new Uint8Array(65536);
  const ports: number[] = [];
  for (const [low, high] of ranges) {
    for (let port = low; port <= high; port++) {
      if (seen[port] === 0) {
        seen[port] = 1;
        ports.push(port);
      }
    }
  }
  return ports;
}
