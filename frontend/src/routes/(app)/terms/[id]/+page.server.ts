import { error, fail, redirect, type ActionFailure } from '@sveltejs/kit';
import { createRelationBodySchema } from '@lexikon/contracts/relations';
import { updateTermBodySchema, type Term } from '@lexikon/contracts/terms';
import { OVERRIDE_REASON_MIN_LENGTH, overrideFindingsBodySchema } from '@lexikon/contracts/validation';
import { fieldErrorsByPath, fieldErrorsFrom, formValues, type FormFailure } from '#lib/forms.ts';
import { translate } from '#lib/i18n/messages.ts';
import { ApiProblem, call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { redirectIfSignedOut, requireSession } from '#lib/terms/auth.server.ts';
import { termApiFailure } from '#lib/terms/failures.server.ts';
import { updateTermInput } from '#lib/terms/form.ts';
import { parseDepth } from '#lib/terms/graph.ts';
import { cyclePath, termProblemMessage } from '#lib/terms/problems.ts';
import { conceptPartsInput } from '#lib/terms/parts-form.ts';
import { isUuid, parseStrength } from '#lib/terms/relations.ts';
import { resolvePickedTerm } from '#lib/terms/resolve.server.ts';
import { openFindingsOf } from '#lib/validation/findings.ts';
import { HISTORY_PARAM, loadValidation, parseHistoryCount } from '#lib/validation/history.ts';
import { VALIDATION_DEPENDENCY } from '#lib/validation/polling.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends }) => {
  // The validation panel asks for this load again while a background validation is pending.
  depends(VALIDATION_DEPENDENCY);
  if (!isUuid(params.id)) error(404, 'No such term.', { code: 'term-not-found' });
  const id = params.id;
  const depth = parseDepth(url.searchParams.get('depth'));
  const path = { id };
  const historyCount = parseHistoryCount(url.searchParams.get(HISTORY_PARAM));
  // Independent reads, side by side; the graph and the validations are a bonus that may fail without
  // taking the page down.
  const [term, relations, graph, validation, validators] = await Promise.allSettled([
    call(locals.api.GET('/api/terms/{id}', { params: { path } })),
    call(locals.api.GET('/api/terms/{id}/relations', { params: { path } })),
    call(locals.api.GET('/api/terms/{id}/related', { params: { path, query: { depth } } })),
    loadValidation(
      (query) => call(locals.api.GET('/api/terms/{id}/validations', { params: { path, query } })),
      historyCount,
    ),
    call(locals.api.GET('/api/validation/status')),
  ]);
  if (term.status === 'rejected') {
    // Deleted: its history says when and by whom, and offers to restore it.
    if (term.reason instanceof ApiProblem && term.reason.problem.code === 'term-deleted')
      redirect(303, `/terms/${id}/history`);
    if (term.reason instanceof ApiProblem && term.reason.status === 404)
      error(404, 'No such term.', { code: 'term-not-found' });
    failLoad(term.reason, url);
  }
  if (relations.status === 'rejected') failLoad(relations.reason, url);
  for (const bonus of [graph, validation])
    if (bonus.status === 'rejected') redirectIfSignedOut(bonus.reason, url.pathname + url.search);
  // What its replacements and mappings to other Lexikon concepts are called, for links that say it.
  const linked = [
    ...new Set([
      ...term.value.replaced_by,
      ...term.value.mappings.flatMap((mapping) => (mapping.term_id ? [mapping.term_id] : [])),
    ]),
  ];
  const names = Object.fromEntries(
    await Promise.all(
      linked.map(async (linkedId) => {
        const named = await call(
          locals.api.GET('/api/terms/{id}', { params: { path: { id: linkedId } } }),
        ).then(
          (concept) => concept.term,
          () => linkedId,
        );
        return [linkedId, named] as const;
      }),
    ),
  );
  // Its review, for those who may act on it (editors and reviewers); a bonus like the graph.
  const review =
    term.value.permissions.edit || term.value.permissions.review
      ? await call(locals.api.GET('/api/terms/{id}/review', { params: { path } })).catch(
          (reason: unknown) => {
            redirectIfSignedOut(reason, url.pathname + url.search);
            return null;
          },
        )
      : null;
  const problemText = (reason: unknown) =>
    reason instanceof ApiProblem
      ? termProblemMessage(reason.problem, locals.locale)
      : translate(locals.locale, 'error.unavailable');
  return {
    term: term.value,
    names,
    relations: relations.value.items,
    depth,
    graph: graph.status === 'fulfilled' ? graph.value : null,
    graphError: graph.status === 'rejected' ? problemText(graph.reason) : null,
    validation: validation.status === 'fulfilled' ? validation.value : null,
    validationError: validation.status === 'rejected' ? problemText(validation.reason) : null,
    // Which validators run (an LLM? which model, is it suspended?): only to describe them.
    validators: validators.status === 'fulfilled' ? validators.value : null,
    created: url.searchParams.has('created'),
    review,
  };
};

type FormName =
  'update' | 'parts' | 'delete' | 'relation' | 'removeRelation' | 'validate' | 'override' | 'review';

/** Which of the page's forms a failure belongs to, so each shows only its own errors. */
function tagged<N extends FormName, E extends object = object>(
  name: N,
  failure: ActionFailure<FormFailure>,
  extra?: E,
) {
  return fail(failure.status, { ...failure.data, ...(extra as E), form: name });
}

/** The field errors of a failed parse, by field; none for a success. */
function fieldErrorsOf(
  result: { success: true } | { success: false; error: Parameters<typeof fieldErrorsFrom>[0] },
  locale: Parameters<typeof fieldErrorsFrom>[1],
): Record<string, string | undefined> {
  return result.success ? {} : fieldErrorsFrom(result.error, locale);
}

/** Someone saved first: the API sends their version along, for the side-by-side and a retry on top of it. */
function conflictOf(caught: unknown): Term | null {
  return caught instanceof ApiProblem && caught.problem.code === 'version-conflict'
    ? ((caught.problem as { current?: Term }).current ?? null)
    : null;
}

export const actions: Actions = {
  update: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    const parsed = updateTermBodySchema.safeParse(updateTermInput(values));
    if (!parsed.success)
      return tagged(
        'update',
        fail(400, { values, fieldErrors: fieldErrorsFrom(parsed.error, locals.locale) }),
      );
    try {
      const term = await call(
        locals.api.PATCH('/api/terms/{id}', { params: { path: { id: params.id } }, body: parsed.data }),
      );
      // An edit of a validated term by a non-reviewer sends it back to review (issue 14): say so.
      const backToReview = values.original_status === 'validated' && term.status === 'in_review';
      return { form: 'update' as const, saved: term.version, backToReview };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      const conflict = conflictOf(caught);
      // `validated` refused while findings are open: the page lists them (and offers reviewers an override).
      const openFindings =
        caught instanceof ApiProblem && caught.problem.code === 'open-findings'
          ? openFindingsOf(caught.problem)
          : undefined;
      const failure = termApiFailure(caught, values, locals.locale, {
        fieldFor: {
          'term-exists': 'term',
          'invalid-status-transition': 'status',
          'open-findings': 'status',
        },
      });
      // Only reviewers validate (the form does not offer it to others; a forged post says why).
      if (caught instanceof ApiProblem && caught.status === 403 && parsed.data.status === 'validated') {
        const message = translate(locals.locale, 'terms.edit.validatedAdminOnly');
        return tagged('update', failure, {
          message,
          fieldErrors: { ...failure.data.fieldErrors, status: message },
        });
      }
      return tagged('update', failure, { conflict, ...(openFindings ? { openFindings } : {}) });
    }
  },

  /** The concept's parts: labels per language, definitions, sources, notes, mappings, replacements. */
  parts: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    const invalid = (fieldErrors: Record<string, string>) =>
      tagged('parts', fail(400, { values, fieldErrors }));
    // A replacement picked (or typed) in the picker joins those already listed.
    if (values.replacement?.trim() || values.replacement_id) {
      try {
        const resolved = await resolvePickedTerm(
          locals.api,
          { id: values.replacement_id, typed: values.replacement },
          params.id,
          locals.locale,
        );
        if (resolved && 'message' in resolved) return invalid({ replacement: resolved.message });
        if (resolved) {
          const taken = Object.keys(values).filter((name) => /^replaced_by\.\d+$/.test(name)).length;
          values[`replaced_by.${taken}`] = resolved.id;
          values[`replaced_by_label.${resolved.id}`] = values.replacement?.trim() || resolved.id;
        }
      } catch (caught) {
        redirectIfSignedOut(caught, here);
        return tagged('parts', termApiFailure(caught, values, locals.locale));
      }
    }
    const { body, inputPath } = conceptPartsInput(values);
    // Errors name the inputs; those of one replacement are shown on the list of replacements.
    const onInputs = (errors: Record<string, string | undefined>) =>
      Object.fromEntries(
        Object.entries(errors).map(([path, message]) => [
          path.startsWith('replaced_by') ? 'replaced_by' : inputPath(path),
          message ?? '',
        ]),
      );
    const parsed = updateTermBodySchema.safeParse({ ...body, version: Number(values.version) });
    if (!parsed.success) return invalid(onInputs(fieldErrorsByPath(parsed.error, locals.locale)));
    try {
      const term = await call(
        locals.api.PATCH('/api/terms/{id}', { params: { path: { id: params.id } }, body: parsed.data }),
      );
      return { form: 'parts' as const, saved: term.version };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      const conflict = conflictOf(caught);
      const failure = termApiFailure(caught, values, locals.locale);
      return tagged(
        'parts',
        fail(failure.status, { ...failure.data, fieldErrors: onInputs(failure.data.fieldErrors) }),
        { conflict },
      );
    }
  },

  /** "Validate now": the rules (and the LLM when configured) on the term as it is; the API keeps the record. */
  validate: async ({ locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    try {
      const record = await call(
        locals.api.POST('/api/terms/{id}/validate', { params: { path: { id: params.id } } }),
      );
      return { form: 'validate' as const, record };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      const failure = termApiFailure(caught, {}, locals.locale);
      // The API's 403 is about validating, not about changing the term: say who may.
      if (caught instanceof ApiProblem && caught.status === 403)
        return tagged('validate', failure, {
          message: translate(locals.locale, 'quality.validate.forbidden'),
        });
      return tagged('validate', failure);
    }
  },

  /** A reviewer validates the term despite its open findings, saying why (recorded by the API). */
  override: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    const parsed = overrideFindingsBodySchema.safeParse({ reason: values.reason ?? '' });
    if (!parsed.success) {
      const short = (values.reason ?? '').trim().length < OVERRIDE_REASON_MIN_LENGTH;
      const reason = short
        ? translate(locals.locale, 'quality.override.reasonTooShort', { min: OVERRIDE_REASON_MIN_LENGTH })
        : (fieldErrorsFrom(parsed.error, locals.locale).reason ??
          translate(locals.locale, 'validation.invalid'));
      return tagged('override', fail(400, { values, fieldErrors: { reason } }));
    }
    const version = Number(values.version);
    if (!Number.isInteger(version) || version < 1)
      return tagged(
        'override',
        fail(400, { values, fieldErrors: {}, message: translate(locals.locale, 'problem.version-mismatch') }),
      );
    try {
      const term = await call(
        locals.api.PATCH('/api/terms/{id}', {
          params: { path: { id: params.id } },
          body: { status: 'validated', version, override_findings: parsed.data },
        }),
      );
      return { form: 'override' as const, validated: term.version };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      return tagged('override', termApiFailure(caught, values, locals.locale));
    }
  },

  /** A review action — submit, withdraw, approve, request changes — on the version the page showed. */
  review: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    const version = Number(values.version);
    const comment = values.comment?.trim() ? values.comment : undefined;
    if (!Number.isInteger(version) || version < 1)
      return tagged(
        'review',
        fail(400, { values, fieldErrors: {}, message: translate(locals.locale, 'problem.version-mismatch') }),
      );
    const path = { id: params.id };
    try {
      let result;
      switch (values.intent) {
        case 'submit':
          result = await call(
            locals.api.POST('/api/terms/{id}/review/submit', {
              params: { path },
              body: { version, comment },
            }),
          );
          break;
        case 'withdraw':
          result = await call(
            locals.api.POST('/api/terms/{id}/review/withdraw', {
              params: { path },
              body: { version, comment },
            }),
          );
          break;
        case 'approve':
          result = await call(
            locals.api.POST('/api/terms/{id}/review/approve', {
              params: { path },
              body: { version, comment },
            }),
          );
          break;
        case 'request-changes':
          if (!comment)
            return tagged(
              'review',
              fail(400, {
                values,
                fieldErrors: { comment: translate(locals.locale, 'review.requestRequired') },
                message: translate(locals.locale, 'review.requestRequired'),
              }),
            );
          result = await call(
            locals.api.POST('/api/terms/{id}/review/request-changes', {
              params: { path },
              body: { version, comment },
            }),
          );
          break;
        default:
          error(400, 'Unknown review action.', { code: 'validation-failed' });
      }
      const done =
        values.intent === 'approve'
          ? result.published
            ? 'published'
            : 'approved'
          : values.intent === 'request-changes'
            ? 'changes_requested'
            : values.intent === 'submit'
              ? 'submitted'
              : 'withdrawn';
      return { form: 'review' as const, done };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      return tagged('review', termApiFailure(caught, values, locals.locale));
    }
  },

  delete: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    if (values.confirm !== 'yes')
      return tagged(
        'delete',
        fail(400, {
          values,
          fieldErrors: { confirm: translate(locals.locale, 'terms.delete.confirmRequired') },
        }),
      );
    const version = Number(values.version);
    try {
      await call(
        locals.api.DELETE('/api/terms/{id}', {
          params: {
            path: { id: params.id },
            // Refuse to delete a version the user has not seen.
            ...(Number.isInteger(version) && version > 0 ? { header: { 'if-match': `"${version}"` } } : {}),
          },
        }),
      );
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      return tagged('delete', termApiFailure(caught, values, locals.locale));
    }
    redirect(303, `/terms?deleted=${encodeURIComponent(values.term ?? '')}`);
  },

  addRelation: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    // The strength is checked first, so a bad one is reported along with a target still to pick.
    const strength = parseStrength(values.strength);
    const strengthError = Number.isNaN(strength)
      ? translate(locals.locale, 'terms.relations.add.strengthInvalid')
      : strength === undefined
        ? undefined
        : fieldErrorsOf(
            createRelationBodySchema.pick({ strength: true }).safeParse({ strength }),
            locals.locale,
          ).strength;
    const invalid = (fieldErrors: Record<string, string>, extra: object = {}) =>
      tagged(
        'relation',
        fail(400, {
          values,
          fieldErrors: { ...(strengthError ? { strength: strengthError } : {}), ...fieldErrors },
        }),
        extra,
      );

    // The picker fills target_id; without JavaScript the user picks among candidates, types a name or pastes an id.
    let targetId: string | undefined;
    try {
      const resolved = await resolvePickedTerm(
        locals.api,
        { id: values.target_id, choice: values.target_choice, typed: values.target },
        params.id,
        locals.locale,
      );
      if (resolved && 'message' in resolved)
        return invalid(
          { target: resolved.message },
          resolved.candidates ? { candidates: resolved.candidates } : {},
        );
      targetId = resolved?.id;
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      return tagged('relation', termApiFailure(caught, values, locals.locale));
    }
    if (!targetId) return invalid({ target: translate(locals.locale, 'validation.required') });
    if (strengthError) return invalid({});
    const parsed = createRelationBodySchema.safeParse({
      target_id: targetId,
      type: values.type,
      ...(strength === undefined ? {} : { strength }),
    });
    if (!parsed.success) {
      const { target_id: target, ...others } = fieldErrorsFrom(parsed.error, locals.locale);
      return invalid({ ...others, ...(target ? { target } : {}) });
    }
    try {
      await call(
        locals.api.POST('/api/terms/{id}/relations', {
          params: { path: { id: params.id } },
          body: parsed.data,
        }),
      );
      return { form: 'relation' as const, added: true };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      const path = caught instanceof ApiProblem ? cyclePath(caught.problem) : [];
      return tagged(
        'relation',
        termApiFailure(caught, values, locals.locale, {
          fieldFor: {
            'self-relation': 'target',
            'unknown-target': 'target',
            'relation-exists': 'target',
            'relation-cycle': 'target',
          },
        }),
        { path },
      );
    }
  },

  removeRelation: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    if (!isUuid(values.relation_id))
      return tagged(
        'removeRelation',
        fail(400, { values, fieldErrors: {}, message: translate(locals.locale, 'problem.not-found') }),
      );
    try {
      await call(
        locals.api.DELETE('/api/terms/{id}/relations/{relationId}', {
          params: { path: { id: params.id, relationId: values.relation_id } },
        }),
      );
      return { form: 'removeRelation' as const, removed: true };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      return tagged('removeRelation', termApiFailure(caught, values, locals.locale));
    }
  },
};
