/**
 * From the vocabulary forms' fields to the API's bodies. Titles and descriptions are kept per language by
 * the API; these forms edit the default language's, and keep the others as they are.
 */

/** "fr, en ,de" → ["fr", "en", "de"]: the API checks and canonicalises each tag. */
export function languageList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(/[\s,;]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

const optional = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value;

/**
 * The review settings: how many approvals, whether authors may approve. The checkbox sends nothing when
 * unchecked, so the form marks that it showed it (`review_settings`).
 */
function reviewSettings(values: Record<string, string>) {
  return {
    ...(optional(values.approvals_required) && { approvals_required: Number(values.approvals_required) }),
    ...(values.review_settings !== undefined && { self_approval: values.self_approval === 'on' }),
  };
}

export function createVocabularyInput(values: Record<string, string>) {
  const language = values.default_language?.trim() ?? '';
  return {
    slug: values.slug?.trim() ?? '',
    title: { [language]: values.title ?? '' },
    ...(optional(values.description) && { description: { [language]: values.description! } }),
    default_language: language,
    ...(languageList(values.languages) && { languages: languageList(values.languages) }),
    ...(optional(values.base_iri) && { base_iri: values.base_iri!.trim() }),
    ...(optional(values.license) && { license: values.license!.trim() }),
    ...(optional(values.visibility) && { visibility: values.visibility }),
    ...(optional(values.contribution) && { contribution: values.contribution }),
    ...(optional(values.pref_label_uniqueness) && { pref_label_uniqueness: values.pref_label_uniqueness }),
    ...reviewSettings(values),
  };
}

export function updateVocabularyInput(
  values: Record<string, string>,
  current: { default_language: string; title: Record<string, string>; description: Record<string, string> },
) {
  const language = current.default_language;
  return {
    title: { ...current.title, [language]: values.title ?? '' },
    description: optional(values.description)
      ? { ...current.description, [language]: values.description! }
      : Object.fromEntries(Object.entries(current.description).filter(([key]) => key !== language)),
    ...(languageList(values.languages) && { languages: languageList(values.languages) }),
    ...(optional(values.base_iri) && { base_iri: values.base_iri!.trim() }),
    license: optional(values.license) ?? null,
    ...(optional(values.visibility) && { visibility: values.visibility }),
    ...(optional(values.contribution) && { contribution: values.contribution }),
    ...(optional(values.pref_label_uniqueness) && { pref_label_uniqueness: values.pref_label_uniqueness }),
    ...reviewSettings(values),
    version: Number(values.version),
  };
}

/** A vocabulary's title for this reader. */
export function currentLocaleTitle(
  vocabulary: { title: Record<string, string>; default_language: string; slug: string },
  locale: string,
): string {
  return titleIn(vocabulary.title, locale, vocabulary.default_language) || vocabulary.slug;
}

/** The title to show: in the reader's language when the vocabulary has one, else its default. */
export function titleIn(title: Record<string, string>, locale: string, fallback: string): string {
  return (
    title[locale] ??
    Object.entries(title).find(([tag]) => tag.split('-')[0] === locale)?.[1] ??
    title[fallback] ??
    ''
  );
}
