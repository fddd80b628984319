/**
 * The closed vocabularies of the term model. The database enums, the API schemas and the web app's forms
 * are all built from these arrays.
 */

export const userRoles = ['user', 'admin'] as const;
export const termLevels = ['beginner', 'intermediate', 'advanced', 'expert'] as const;
export const termStatuses = ['draft', 'proposed', 'in_review', 'validated', 'deprecated'] as const;
export const relationTypes = [
  'is_a',
  'part_of',
  'related_to',
  'synonym',
  'opposes',
  'causes',
  'precedes',
  'influenced_by',
] as const;

export type UserRole = (typeof userRoles)[number];
export type TermLevel = (typeof termLevels)[number];
export type TermStatus = (typeof termStatuses)[number];
export type RelationType = (typeof relationTypes)[number];

/** Symmetric relations are one fact seen from both ends. */
export const symmetricRelationTypes: readonly RelationType[] = ['related_to', 'synonym', 'opposes'];
/** Hierarchies must stay acyclic: nothing may be, transitively, a kind or a part of itself. */
export const hierarchicalRelationTypes: readonly RelationType[] = ['is_a', 'part_of'];

/**
 * The term model's lifecycle. Moving backwards is allowed where a reviewer sends work back; a deprecated
 * term can only be revived as a draft.
 */
export const statusTransitions: Record<TermStatus, readonly TermStatus[]> = {
  draft: ['proposed', 'deprecated'],
  proposed: ['draft', 'in_review', 'deprecated'],
  in_review: ['draft', 'proposed', 'validated', 'deprecated'],
  validated: ['in_review', 'deprecated'],
  deprecated: ['draft'],
};
