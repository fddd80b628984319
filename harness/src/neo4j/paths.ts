import path from 'node:path';
import { repoRoot } from '../repo-root.ts';

/** Where the embedded Neo4j's Maven project and its build live, and the version it pins. */
export const NEO4J_VERSION = '5.26.30';
export const projectDir = path.join(repoRoot, 'deploy/neo4j-embedded/');
export const targetDir = path.join(projectDir, 'target');
export const jarFile = path.join(targetDir, 'neo4j-embedded-1.0.0.jar');
export const libDir = path.join(targetDir, 'lib');
export const buildStamp = path.join(targetDir, '.lexikon-built');
export const buildLock = path.join(targetDir, '.lexikon-build-lock');
export const BUILD_TIMEOUT_MS = 900_000;
