import type { Metrics } from '../../observability/metrics.ts';
import type { ValidationSubject, Validator, ValidatorOutcome } from '../ports.ts';
import { rules } from './checks.ts';
import { labelFindings } from './labels.ts';
import { detectLanguage, foldText, tokenize } from './text.ts';

/**
 * The deterministic validator: always on, no network, the same answer for the same input. It counts its
 * own runs and findings (`rule_validations_total`, `rule_findings_total`), apart from the LLM's series.
 */
export class RuleValidator implements Validator {
  readonly name = 'rules' as const;
  readonly #metrics: Metrics | null;

  constructor(deps: { metrics?: Metrics | null } = {}) {
    this.#metrics = deps.metrics ?? null;
  }

  async validate(subject: ValidationSubject): Promise<ValidatorOutcome> {
    const started = performance.now();
    const findings = checkTerm(subject);
    this.#metrics?.rules.validations.inc();
    for (const finding of findings) this.#metrics?.rules.findings.inc({ type: finding.type });
    return {
      validator: 'rules',
      status: 'ok',
      findings,
      failure: null,
      model: null,
      promptVersion: null,
      usage: null,
      attempts: 0,
      latencyMs: Math.round(performance.now() - started),
      rawOutput: null,
    };
  }
}

/** Runs every rule on one term: a pure function, unit-tested with a table of definitions. */
export function checkTerm(subject: ValidationSubject) {
  const definition = foldText(subject.term.definition);
  const context = {
    subject,
    language: detectLanguage(subject.term.definition),
    definition,
    tokens: tokenize(definition),
  };
  return [...rules.flatMap((rule) => rule(context)), ...labelFindings(subject, context.language)];
}
