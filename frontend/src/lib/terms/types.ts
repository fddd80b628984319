import type { components } from '#lib/api/schema.ts';
import type { CycleStep } from './problems.ts';
import type { TermRef } from './relations.ts';

export type Term = components['schemas']['Term'];

/** What a term page's form gets back from its action (each component reads the fields it knows). */
export interface ActionFeedback {
  form?: string;
  values?: Record<string, string>;
  fieldErrors?: Record<string, string>;
  message?: string;
  code?: string;
  /** update: the version someone else saved first. */
  conflict?: Term | null;
  /** update: the new version after a save. */
  saved?: number;
  /** update: the edit sent a validated term back to review (its author is not a reviewer). */
  backToReview?: boolean;
  /** relation: several terms matched the typed name. */
  candidates?: TermRef[];
  /** relation: the loop a hierarchical relation would close. */
  path?: CycleStep[];
  added?: boolean;
  removed?: boolean;
}
