-- The text-search configuration PostgreSQL ships for a language tag's primary subtag (those of
-- PostgreSQL 15, the oldest server supported); any other language is searched by its raw words.
CREATE FUNCTION lexikon_regconfig(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE split_part(lower(language), '-', 1)
    WHEN 'ar' THEN 'arabic' WHEN 'da' THEN 'danish' WHEN 'nl' THEN 'dutch' WHEN 'en' THEN 'english'
    WHEN 'fi' THEN 'finnish' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' WHEN 'el' THEN 'greek'
    WHEN 'hu' THEN 'hungarian' WHEN 'id' THEN 'indonesian' WHEN 'ga' THEN 'irish' WHEN 'it' THEN 'italian'
    WHEN 'lt' THEN 'lithuanian' WHEN 'ne' THEN 'nepali' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian'
    WHEN 'nn' THEN 'norwegian' WHEN 'pt' THEN 'portuguese' WHEN 'ro' THEN 'romanian' WHEN 'ru' THEN 'russian'
    WHEN 'es' THEN 'spanish' WHEN 'sv' THEN 'swedish' WHEN 'ta' THEN 'tamil' WHEN 'tr' THEN 'turkish'
    ELSE 'simple' END)::regconfig
$$;
--> statement-breakpoint
ALTER TABLE "term_definitions" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector(lexikon_regconfig(language), lexikon_fold(text)) || to_tsvector('simple'::regconfig, lexikon_fold(text))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "term_labels" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector(lexikon_regconfig(language), lexikon_fold(text)) || to_tsvector('simple'::regconfig, lexikon_fold(text))) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "term_definitions_search_idx" ON "term_definitions" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "term_labels_search_idx" ON "term_labels" USING gin ("search_vector");