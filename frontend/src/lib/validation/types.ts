import type { components } from '#lib/api/schema.ts';
import type { ActionFeedback } from '#lib/terms/types.ts';

export type ValidationRecord = components['schemas']['ValidationRecord'];
export type Finding = components['schemas']['ValidationFinding'];
export type FindingOverride = components['schemas']['FindingOverride'];
export type ValidationJob = components['schemas']['ValidationJob'];
export type ValidationPage = components['schemas']['ValidationPage'];
export type ValidationServiceStatus = components['schemas']['ValidationServiceStatus'];

/** What the term page's validation actions hand back, on top of the other forms' feedback. */
export interface ValidationFeedback extends ActionFeedback {
  /** validate: the record "validate now" just created. */
  record?: ValidationRecord;
  /** update / override: the findings the API listed when it refused `validated` (422 open-findings). */
  openFindings?: Finding[];
  /** override: the version the term reached once validated. */
  validated?: number;
}
