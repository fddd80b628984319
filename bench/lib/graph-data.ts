import type { SyntheticOntology } from '../../backend/src/demo/synthetic.ts';

export interface DegreeProfile {
  /** Relations of the start term, "Intelligence Artificielle" (the generator's first term). */
  hub: number;
  /** The largest degree among the other terms. */
  nextLargest: number;
  median: number;
}

/** Evidence that the graph has hubs and a long tail, as the report states: degree counts both ends. */
export function degreeProfile(ontology: SyntheticOntology): DegreeProfile {
  const degrees = new Map<string, number>(ontology.terms.map((term) => [term.id, 0]));
  for (const relation of ontology.relations) {
    degrees.set(relation.source_id, degrees.get(relation.source_id)! + 1);
    degrees.set(relation.target_id, degrees.get(relation.target_id)! + 1);
  }
  const hubId = ontology.terms[0]!.id;
  const others = [...degrees].filter(([id]) => id !== hubId).map(([, degree]) => degree);
  const sorted = others.sort((a, b) => a - b);
  return {
    hub: degrees.get(hubId) ?? 0,
    nextLargest: sorted[sorted.length - 1] ?? 0,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
  };
}
