/**
 * Starts are cut from ~10–40 s to a few seconds by a class-data-sharing archive that the first cleanly
 * stopped server records (-XX:ArchiveClassesAtExit) and later ones map (-XX:SharedArchiveFile).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { targetDir } from './paths.ts';

export type ClassDataSharing = {
  mode: string;
  recording: boolean;
  flags: string[];
  adoptRecording(): Promise<void>;
  discardRecording(): Promise<void>;
};

/**
 * One archive per JVM binary: an archive made by another JDK build is rejected by the JVM (it then runs
 * without one), so the name carries the binary's identity and a JDK upgrade simply records a new one.
 */
export async function classDataSharing(java: string): Promise<ClassDataSharing> {
  const javaBinary = realpathSync(java);
  const identity = createHash('sha256')
    .update(`${javaBinary}:${statSync(javaBinary).mtimeMs}`)
    .digest('hex')
    .slice(0, 12);
  const archive = path.join(targetDir, `neo4j-${identity}.jsa`);
  const nothing = async (): Promise<void> => {};
  if (existsSync(archive)) {
    return {
      mode: 'class-data sharing archive',
      recording: false,
      flags: [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto', '-Xlog:cds=off', '-Xlog:cds+dynamic=off'],
      adoptRecording: nothing,
      discardRecording: nothing,
    };
  }
  removeAbandonedRecordings();
  // Unique per server: several may be recording at once; the first to stop cleanly provides the archive.
  const recording = path.join(targetDir, `recording-${process.pid}-${Date.now()}-${Math.random()}.jsa`);
  const discardRecording = () => rm(recording, { force: true });
  return {
    mode: 'recording a class-data sharing archive for the next starts',
    recording: true,
    flags: [`-XX:ArchiveClassesAtExit=${recording}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'],
    async adoptRecording() {
      const size = await stat(recording).then(
        (s) => s.size,
        () => 0,
      );
      if (size > 0 && !existsSync(archive)) await rename(recording, archive);
      await discardRecording();
    },
    discardRecording,
  };
}

/** Recordings of servers that were killed or crashed: ~100 MiB each, never adopted. */
export function removeAbandonedRecordings(): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync(targetDir)) {
    const file = path.join(targetDir, entry);
    if (entry.startsWith('recording-') && statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
  }
}
