/**
 * `npm run neo4j`: a Neo4j for development, kept in NEO4J_DATA_DIR (default ./data/neo4j) on
 * 127.0.0.1:NEO4J_PORT (default 7687). With NEO4J_PASSWORD set (in the environment or .env) authentication
 * is on for the user `neo4j`; without it, it is off, which the loopback-only listener makes acceptable on a
 * developer's machine. Ctrl-C stops it cleanly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNeo4j } from '@lexikon/harness/neo4j/server';

const root = fileURLToPath(new URL('../..', import.meta.url));
const envFile = path.join(root, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const dataDir = path.resolve(root, process.env.NEO4J_DATA_DIR ?? 'data/neo4j');
const port = Number(process.env.NEO4J_PORT ?? '7687');
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`[neo4j] NEO4J_PORT must be a TCP port number, got "${process.env.NEO4J_PORT}"`);
  process.exit(2);
}
const password = process.env.NEO4J_PASSWORD || undefined;

try {
  const server = await startNeo4j({ dataDir, port, password, log: (line) => console.log(`[neo4j] ${line}`) });
  console.log(`[neo4j] Bolt: ${server.boltUrl}  (user ${server.user}, auth ${password ? 'on' : 'off'})`);
  console.log(`[neo4j] for the API: NEO4J_URI=${server.boltUrl}${password ? ' NEO4J_PASSWORD=…' : ''}`);
  console.log('[neo4j] Ctrl-C stops it');
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('[neo4j] stopping…');
      void server.stop().then(() => process.exit(0));
    });
  }
  const exit = await server.exited;
  if (!stopping) {
    console.error(`[neo4j] the server exited on its own (${String(exit)})\n${server.output()}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`[neo4j] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
