// "Did you mean …?" for misspelt keys and names: the closest candidate by edit distance, if it is close enough.

/** Edit distance counting a swap of two neighbours as one edit ("nmae" → "name"), as typos usually are. */
export function editDistance(a: string, b: string): number {
  // d[i][j]: distance between a's first i and b's first j characters (optimal string alignment).
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

// image_archive, image-archive and ImageArchive all mean imageArchive.
const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/** The candidate closest to `input`, or undefined when none is plausibly what was meant. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  // A third of the length, at least 1, at most 3: "imageArchve" finds imageArchive, "foo" finds nothing.
  const allowed = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    // Lengths further apart than the allowance can never be close: skip the quadratic distance (a 500 kB key).
    if (Math.abs(fold(name).length - fold(input).length) > allowed && Math.abs(name.length - input.length) > allowed) continue;
    const distance = fold(name) === fold(input) ? 0 : editDistance(input.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= allowed ? best.name : undefined;
}
