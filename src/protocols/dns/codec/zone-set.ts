/**
 * The zones one server is authoritative for, and the search for the one that answers a name.
 */
import { canonicalName, normalizeName, parentName } from './name.js';
import type { Zone } from './zone.js';

/**
 * A set of zones keyed by apex. {@link ZoneSet.find} returns the closest enclosing zone, so a
 * child zone served here wins over the parent's delegation to it.
 *
 * @example
 * const zones = new ZoneSet([Zone.fromText(SAMPLE_ZONE, { origin: 'example.test' })]);
 * zones.find('www.example.test')?.origin; // 'example.test'
 */
export class ZoneSet {
  readonly #zones = new Map<string, Zone>();
  #generation = 0;

  /**
   * @param zones the initial zones.
   * @throws {RangeError} when two zones have the same apex.
   */
  constructor(zones: Iterable<Zone> = []) {
    for (const zone of zones) this.add(zone);
  }

  /**
   * Adds a zone.
   *
   * @param zone the zone.
   * @throws {RangeError} when a zone with that apex is already here.
   */
  add(zone: Zone): void {
    if (this.#zones.has(zone.key)) throw new RangeError(`zone ${zone.origin} is already loaded`);
    this.#zones.set(zone.key, zone);
    this.#generation++;
  }

  /**
   * Removes the zone with this apex.
   *
   * @param origin the apex name, in any case, with or without the trailing dot.
   * @returns whether a zone was removed.
   * @throws {RangeError} when `origin` is not a valid name.
   */
  remove(origin: string): boolean {
    const removed = this.#zones.delete(canonicalName(normalizeName(origin)));
    if (removed) this.#generation++;
    return removed;
  }

  /**
   * A counter that changes whenever the set does (`add`, `remove`). A `Zone` itself is
   * immutable, so this is the one thing a cache of answers must watch to never serve a stale
   * one.
   *
   * @example
   * const seen = zones.generation;
   * zones.remove('example.test');
   * zones.generation !== seen; // true
   */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The zone whose apex is the longest suffix of `name`.
   *
   * @param name any normalised name (any case).
   * @returns the zone, or `undefined` when no zone here contains the name.
   * @example
   * zones.find('a.b.example.test'); // the example.test zone
   */
  find(name: string): Zone | undefined {
    if (this.#zones.size === 0) return undefined;
    for (let key = canonicalName(name); ; key = parentName(key)) {
      const zone = this.#zones.get(key);
      if (zone !== undefined) return zone;
      if (key === '.') return undefined;
    }
  }

  /** The zones, in the order added. */
  get zones(): readonly Zone[] {
    return [...this.#zones.values()];
  }
}
