/** A run of words both texts share, or that only the old or the new one has. */
export interface DiffSegment {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

// Words with the spaces that follow them, so joining the segments gives each text back exactly.
const tokens = (text: string) => text.match(/\S+\s*|\s+/g) ?? [];

// Beyond this many word pairs the table would be too large to build in a browser: fall back to whole texts.
const MAX_CELLS = 4_000_000;

/**
 * A word-level diff of two texts (longest common subsequence of their words): what a reviewer reads to see
 * what an edit of a definition changed. Adjacent runs of one kind are merged.
 */
export function wordDiff(before: string, after: string): DiffSegment[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > MAX_CELLS)
    return merge([
      { kind: 'removed', text: before },
      { kind: 'added', text: after },
    ]);
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] =
        a[i]!.trimEnd() === b[j]!.trimEnd()
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const segments: DiffSegment[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]!.trimEnd() === b[j]!.trimEnd()) {
      segments.push({ kind: 'same', text: b[j]! });
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) segments.push({ kind: 'removed', text: a[i++]! });
    else segments.push({ kind: 'added', text: b[j++]! });
  }
  while (i < a.length) segments.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) segments.push({ kind: 'added', text: b[j++]! });
  return merge(segments);
}

function merge(segments: DiffSegment[]): DiffSegment[] {
  const merged: DiffSegment[] = [];
  for (const segment of segments) {
    if (segment.text === '') continue;
    const last = merged.at(-1);
    if (last?.kind === segment.kind) last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}
