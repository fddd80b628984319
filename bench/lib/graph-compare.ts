/**
 * Same-answer checks for the graph benchmark. A latency comparison is only meaningful when both engines
 * did the same work, so every measured pair is compared before (and independently of) being timed:
 * a difference stops the run instead of producing a chart of two different questions.
 */

/** How two collections of keys differ; `missing*` lists a few examples, enough to start debugging. */
export interface Comparison {
  equal: boolean;
  leftSize: number;
  rightSize: number;
  onlyLeft: string[];
  onlyRight: string[];
}

const EXAMPLES = 5;

/** Multiset equality: the same keys, each the same number of times (rows, where repeats are meaningful). */
export function compareMultisets(left: Iterable<string>, right: Iterable<string>): Comparison {
  const counts = new Map<string, number>();
  let leftSize = 0;
  let rightSize = 0;
  for (const key of left) {
    counts.set(key, (counts.get(key) ?? 0) + 1);
    leftSize++;
  }
  for (const key of right) {
    counts.set(key, (counts.get(key) ?? 0) - 1);
    rightSize++;
  }
  const onlyLeft: string[] = [];
  const onlyRight: string[] = [];
  for (const [key, balance] of counts) {
    if (balance > 0 && onlyLeft.length < EXAMPLES) onlyLeft.push(balance > 1 ? `${key} ×${balance}` : key);
    if (balance < 0 && onlyRight.length < EXAMPLES)
      onlyRight.push(balance < -1 ? `${key} ×${-balance}` : key);
  }
  const equal = [...counts.values()].every((balance) => balance === 0);
  return { equal, leftSize, rightSize, onlyLeft, onlyRight };
}

/** Set equality: duplicates on either side are ignored (the sizes reported are distinct keys). */
export function compareSets(left: Iterable<string>, right: Iterable<string>): Comparison {
  return compareMultisets(new Set(left), new Set(right));
}

/** A readable account of a comparison, for logs and for the error that stops a run. */
export function describeComparison(what: string, names: [string, string], comparison: Comparison): string {
  const [leftName, rightName] = names;
  if (comparison.equal)
    return `${what}: identical (${comparison.leftSize.toLocaleString('en')} on each side)`;
  const examples = (keys: string[]) =>
    keys.length ? ` e.g. ${keys.map((key) => `«${key}»`).join(', ')}` : '';
  return (
    `${what} differ: ${leftName} ${comparison.leftSize.toLocaleString('en')}, ` +
    `${rightName} ${comparison.rightSize.toLocaleString('en')}; ` +
    `only in ${leftName}:${examples(comparison.onlyLeft) || ' none'}; ` +
    `only in ${rightName}:${examples(comparison.onlyRight) || ' none'}`
  );
}

export class DifferentAnswersError extends Error {}

/** Stops the benchmark when two engines that must agree do not. */
export function assertSame(what: string, names: [string, string], comparison: Comparison): void {
  if (!comparison.equal) throw new DifferentAnswersError(describeComparison(what, names, comparison));
}

/** One row of a variable-length traversal as both engines can express it: who was reached, at which hop. */
export interface ReachedRow {
  name: string;
  hops: number;
}

export const rowKey = (row: ReachedRow): string => `${row.name} @${row.hops}`;

interface SubgraphLike {
  nodes: readonly { id: string; depth: number }[];
  edges: readonly { id: string }[];
  total_nodes: number;
  truncated: boolean;
}

/**
 * Two `GraphStore.related` answers are the same when they hold the same terms at the same shortest depth,
 * the same relations between them, and report the same reach. Order is the adapters' business.
 */
export function compareSubgraphs(
  left: SubgraphLike,
  right: SubgraphLike,
): Record<'nodes' | 'edges' | 'reach', Comparison> {
  return {
    nodes: compareSets(
      left.nodes.map((node) => `${node.id} @${node.depth}`),
      right.nodes.map((node) => `${node.id} @${node.depth}`),
    ),
    edges: compareSets(
      left.edges.map((edge) => edge.id),
      right.edges.map((edge) => edge.id),
    ),
    reach: compareSets(
      [`${left.total_nodes} terms in reach${left.truncated ? ', truncated' : ''}`],
      [`${right.total_nodes} terms in reach${right.truncated ? ', truncated' : ''}`],
    ),
  };
}
