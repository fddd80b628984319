import { describe, expect, it } from 'vitest';
import {
  OVERRIDE_REASON_MAX_LENGTH as contractMax,
  OVERRIDE_REASON_MIN_LENGTH as contractMin,
  SHORT_DEFINITION_MAX_LENGTH as contractShort,
  blockingSeverities as contractBlocking,
  findingSeverities,
  llmFailureReasons,
  semanticErrorTypes,
  validationStatuses,
} from '@lexikon/contracts/validation';
import {
  OVERRIDE_REASON_MAX_LENGTH,
  OVERRIDE_REASON_MIN_LENGTH,
  SHORT_DEFINITION_MAX_LENGTH,
  blockingSeverities,
  failureReasons,
  findingTypes,
  recordStatuses,
  severities,
} from './vocabulary.ts';

describe('the web app’s copy of the validation vocabularies', () => {
  it('is the contracts’ taxonomy, in the same order', () => {
    expect(findingTypes).toEqual(semanticErrorTypes);
    expect(severities).toEqual(findingSeverities);
    expect(blockingSeverities).toEqual(contractBlocking);
    expect(recordStatuses).toEqual(validationStatuses);
    expect(failureReasons).toEqual(llmFailureReasons);
  });

  it('has the contracts’ limits', () => {
    expect(SHORT_DEFINITION_MAX_LENGTH).toBe(contractShort);
    expect(OVERRIDE_REASON_MIN_LENGTH).toBe(contractMin);
    expect(OVERRIDE_REASON_MAX_LENGTH).toBe(contractMax);
  });
});
