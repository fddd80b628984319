/**
 * The traversal query of the original project's benchmark (SEMAINES-3-4-PRODUCTION.md), verbatim: every
 * term reachable from "Intelligence Artificielle" within 3 levels, following relations from source to
 * target. Kept character for character so tests and benchmarks prove the schema still answers it.
 */
export const SEED_TRAVERSAL_SQL = `WITH RECURSIVE term_tree AS (
  SELECT id, term, 1 as depth
  FROM terms
  WHERE term = 'Intelligence Artificielle'

  UNION ALL

  SELECT t.id, t.term, tt.depth + 1
  FROM terms t
  JOIN relationships r ON t.id = r.target_id
  JOIN term_tree tt ON r.source_id = tt.id
  WHERE tt.depth < 3
)
SELECT * FROM term_tree;`;

/**
 * The same benchmark's Neo4j query, verbatim (SEMAINES-3-4-PRODUCTION.md, "Neo4j (MATCH ... DEPTH)"): the
 * names reached from "Intelligence Artificielle" along RELATED_TO, 1 to 3 hops in the stored direction,
 * one row per path. It runs against the mirror's model unchanged — `:Term {name}` and `:RELATED_TO` —
 * which a test checks on the demo ontology.
 */
export const SEED_TRAVERSAL_CYPHER = `MATCH path = (start:Term {name: "Intelligence Artificielle"})-[:RELATED_TO*1..3]->(related)
RETURN related.name, length(path)`;
