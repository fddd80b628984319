import { startNeo4j, type Neo4jServer } from '@lexikon/harness/neo4j/server';

/** Tests run Neo4j with authentication on, so the password path is the one exercised. */
export const TEST_NEO4J_PASSWORD = 'lexikon-test-neo4j-password';

/**
 * A real Neo4j for one test file (built from Maven Central on first use, see harness/src/neo4j/server.ts).
 * Pass `dataDir` (and `port`) to stop and start the same store again.
 */
export function startTestNeo4j(options: { dataDir?: string; port?: number } = {}): Promise<Neo4jServer> {
  return startNeo4j({
    ...options,
    password: TEST_NEO4J_PASSWORD,
    log: (line) => console.log(`[neo4j] ${line}`),
  });
}

/** The app's variables for a mirror on `server`. */
export function neo4jEnvironment(server: Pick<Neo4jServer, 'boltUrl'>): Record<string, string> {
  return { NEO4J_URI: server.boltUrl, NEO4J_PASSWORD: TEST_NEO4J_PASSWORD };
}
