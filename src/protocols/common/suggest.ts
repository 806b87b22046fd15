/**
 * "Did you mean": the nearest known word by edit distance, for unknown config keys and unknown
 * command-line options alike.
 */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (a swap is the commonest typo, `prot` for `port`).
 *
 * @param a One string.
 * @param b The other.
 * @returns The number of edits turning `a` into `b`.
 * @example
 * editDistance('htp.prot', 'http.port'); // 2
 */
export function editDistance(a: string, b: string): number {
  // Three rows suffice: the swap looks back two rows.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * Finds the candidate nearest to `word`, if it is near enough to be a plausible typo: at most a
 * third of the word's length in edits (and at least 1), comparing without regard to case.
 *
 * @param word The unknown key.
 * @param candidates The known keys.
 * @returns The best candidate, or `undefined` when none is close.
 * @example
 * suggest('portofset', ['portOffset', 'dataDir']); // 'portOffset'
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let bestPrefix = -1;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    // On a tie the candidate sharing the longer start wins: `htp` means `http` more than `ftp`.
    const prefix = commonPrefix(lower, other);
    if (distance < bestDistance || (distance === bestDistance && prefix > bestPrefix)) {
      best = candidate;
      bestDistance = distance;
      bestPrefix = prefix;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
