/**
 * Edit distance for "did you mean" hints: the Damerau–Levenshtein distance in its optimal
 * string alignment form (insertions, deletions, substitutions and transpositions of two
 * neighbouring characters each cost 1; no substring is edited twice). Internal module.
 *
 * @module
 */

/**
 * The optimal-string-alignment distance between `a` and `b`, or `Infinity` once it is certain
 * to exceed `limit` (their lengths differ by more), so a long word costs nothing.
 *
 * @param a One word.
 * @param b The other.
 * @param limit Distances above it need not be exact.
 * @returns The distance (`"ppm"`–`"ppn"` 1, `"qeueu"`–`"queue"` 2, `"tiem"`–`"time"` 1).
 */
export function editDistance(a: string, b: string, limit: number = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, before[j - 2]! + 1);
      }
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates nearest to `word` within the distance `allowed(candidate)` permits, nearest
 * first (ties in the candidates' order).
 *
 * @param word The word as given.
 * @param candidates The words it may be a misspelling of.
 * @param allowed The largest distance that still counts as a misspelling of a candidate.
 * @returns The matching candidates.
 */
export function nearestWords(
  word: string,
  candidates: Iterable<string>,
  allowed: (candidate: string) => number,
): string[] {
  const found: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const limit = allowed(candidate);
    const distance = editDistance(word, candidate, limit);
    if (distance <= limit) found.push([candidate, distance]);
  }
  return found.sort((x, y) => x[1] - y[1]).map(([candidate]) => candidate);
}
