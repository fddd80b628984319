CREATE TYPE "public"."label_kind" AS ENUM('pref', 'alt', 'hidden');--> statement-breakpoint
CREATE TYPE "public"."label_variant" AS ENUM('synonym', 'abbreviation', 'acronym', 'variant', 'misspelling', 'old_spelling', 'other');--> statement-breakpoint
CREATE TYPE "public"."mapping_type" AS ENUM('exactMatch', 'closeMatch', 'broadMatch', 'narrowMatch', 'relatedMatch');--> statement-breakpoint
CREATE TYPE "public"."note_kind" AS ENUM('scope', 'example', 'editorial');--> statement-breakpoint
CREATE TABLE "term_definitions" (
	"term_id" uuid NOT NULL,
	"language" text NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "term_definitions_term_id_language_pk" PRIMARY KEY("term_id","language"),
	CONSTRAINT "term_definitions_language" CHECK (language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$')
);
--> statement-breakpoint
CREATE TABLE "term_labels" (
	"term_id" uuid NOT NULL,
	"kind" "label_kind" NOT NULL,
	"language" text NOT NULL,
	"position" smallint NOT NULL,
	"text" text NOT NULL,
	"variant" "label_variant",
	CONSTRAINT "term_labels_term_id_kind_language_position_pk" PRIMARY KEY("term_id","kind","language","position"),
	CONSTRAINT "term_labels_language" CHECK (language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'),
	CONSTRAINT "term_labels_variant" CHECK ((kind = 'pref' AND variant IS NULL) OR (kind = 'alt' AND variant IN ('synonym', 'abbreviation', 'acronym', 'variant')) OR (kind = 'hidden' AND variant IN ('misspelling', 'old_spelling', 'other')))
);
--> statement-breakpoint
CREATE TABLE "term_mappings" (
	"term_id" uuid NOT NULL,
	"type" "mapping_type" NOT NULL,
	"target_iri" text NOT NULL,
	"target_term_id" uuid,
	"label" text,
	CONSTRAINT "term_mappings_term_id_type_target_iri_pk" PRIMARY KEY("term_id","type","target_iri")
);
--> statement-breakpoint
CREATE TABLE "term_notes" (
	"term_id" uuid NOT NULL,
	"kind" "note_kind" NOT NULL,
	"language" text NOT NULL,
	"position" smallint NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "term_notes_term_id_kind_language_position_pk" PRIMARY KEY("term_id","kind","language","position"),
	CONSTRAINT "term_notes_language" CHECK (language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$')
);
--> statement-breakpoint
CREATE TABLE "term_replacements" (
	"term_id" uuid NOT NULL,
	"replaced_by_id" uuid NOT NULL,
	CONSTRAINT "term_replacements_term_id_replaced_by_id_pk" PRIMARY KEY("term_id","replaced_by_id"),
	CONSTRAINT "term_replacements_not_self" CHECK ("term_replacements"."term_id" <> "term_replacements"."replaced_by_id")
);
--> statement-breakpoint
CREATE TABLE "term_sources" (
	"term_id" uuid NOT NULL,
	"language" text NOT NULL,
	"position" smallint NOT NULL,
	"citation" text,
	"url" text,
	CONSTRAINT "term_sources_term_id_language_position_pk" PRIMARY KEY("term_id","language","position"),
	CONSTRAINT "term_sources_language" CHECK (language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'),
	CONSTRAINT "term_sources_something" CHECK ("term_sources"."citation" IS NOT NULL OR "term_sources"."url" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "term_definitions" ADD CONSTRAINT "term_definitions_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_labels" ADD CONSTRAINT "term_labels_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_mappings" ADD CONSTRAINT "term_mappings_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_mappings" ADD CONSTRAINT "term_mappings_target_term_id_terms_id_fk" FOREIGN KEY ("target_term_id") REFERENCES "public"."terms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_notes" ADD CONSTRAINT "term_notes_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_replacements" ADD CONSTRAINT "term_replacements_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_replacements" ADD CONSTRAINT "term_replacements_replaced_by_id_terms_id_fk" FOREIGN KEY ("replaced_by_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_sources" ADD CONSTRAINT "term_sources_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "term_labels_one_pref_key" ON "term_labels" USING btree ("term_id","language") WHERE "term_labels"."kind" = 'pref';--> statement-breakpoint
CREATE UNIQUE INDEX "term_labels_text_key" ON "term_labels" USING btree ("term_id","kind","language",lexikon_fold("text"));--> statement-breakpoint
CREATE INDEX "term_labels_folded_idx" ON "term_labels" USING btree (lexikon_fold("text"));--> statement-breakpoint
CREATE INDEX "term_mappings_target_idx" ON "term_mappings" USING btree ("target_term_id");--> statement-breakpoint
CREATE INDEX "term_replacements_by_idx" ON "term_replacements" USING btree ("replaced_by_id");--> statement-breakpoint
-- The preferred label and the definition in the vocabulary's default language are terms.term and
-- terms.definition: a second one in that language here would be two preferred labels in one language.
CREATE FUNCTION lexikon_not_default_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'term_labels' THEN
    IF NEW.kind <> 'pref' THEN
      RETURN NEW;
    END IF;
  END IF;
  IF NEW.language = (
    SELECT v.default_language FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id WHERE t.id = NEW.term_id
  ) THEN
    RAISE EXCEPTION 'the default language''s preferred label and definition are the term''s own' USING ERRCODE = 'check_violation', CONSTRAINT = 'concept_default_language_in_term';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "term_labels_not_default_language" BEFORE INSERT OR UPDATE ON "term_labels" FOR EACH ROW EXECUTE FUNCTION lexikon_not_default_language();
--> statement-breakpoint
CREATE TRIGGER "term_definitions_not_default_language" BEFORE INSERT OR UPDATE ON "term_definitions" FOR EACH ROW EXECUTE FUNCTION lexikon_not_default_language();
