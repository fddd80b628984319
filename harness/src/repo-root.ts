import { fileURLToPath } from 'node:url';

/** The repository's root directory (with a trailing slash), wherever the harness is imported from. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
