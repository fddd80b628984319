CREATE TYPE "public"."vocabulary_contribution" AS ENUM('members', 'signed_in');--> statement-breakpoint
CREATE TYPE "public"."vocabulary_role" AS ENUM('owner', 'editor', 'reviewer', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."vocabulary_visibility" AS ENUM('private', 'internal', 'public');--> statement-breakpoint
CREATE TABLE "vocabularies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" jsonb NOT NULL,
	"description" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"default_language" text NOT NULL,
	"languages" text[] NOT NULL,
	"base_iri" text NOT NULL,
	"license" text,
	"visibility" "vocabulary_visibility" DEFAULT 'private' NOT NULL,
	"contribution" "vocabulary_contribution" DEFAULT 'members' NOT NULL,
	"unique_pref_labels" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vocabularies_slug_format" CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
	CONSTRAINT "vocabularies_default_language_listed" CHECK ("vocabularies"."default_language" = ANY ("vocabularies"."languages")),
	CONSTRAINT "vocabularies_language_tags" CHECK (default_language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' AND array_to_string(languages, ' ') ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*( [A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)*$'),
	CONSTRAINT "vocabularies_title_object" CHECK (jsonb_typeof("vocabularies"."title") = 'object'),
	CONSTRAINT "vocabularies_description_object" CHECK (jsonb_typeof("vocabularies"."description") = 'object'),
	CONSTRAINT "vocabularies_version_positive" CHECK ("vocabularies"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "vocabulary_members" (
	"vocabulary_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "vocabulary_role" NOT NULL,
	"granted_by" uuid,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vocabulary_members_vocabulary_id_user_id_pk" PRIMARY KEY("vocabulary_id","user_id")
);
--> statement-breakpoint
-- Every existing term moves into the default vocabulary, unchanged: its id becomes its notation and
-- urn:uuid:<id> its IRI (stable, globally unique, and independent of any host name).
INSERT INTO "vocabularies" ("id", "slug", "title", "description", "default_language", "languages", "base_iri", "visibility", "contribution", "unique_pref_labels")
VALUES ('00000000-0000-4000-8000-000000000001', 'default', '{"fr": "Vocabulaire par défaut", "en": "Default vocabulary"}'::jsonb, '{"fr": "Les termes créés sans vocabulaire.", "en": "Terms created without a vocabulary."}'::jsonb, 'fr', ARRAY['fr'], 'urn:uuid:', 'internal', 'signed_in', true);
--> statement-breakpoint
ALTER TABLE "relationships" DROP CONSTRAINT "relationships_source_id_terms_id_fk";
--> statement-breakpoint
ALTER TABLE "relationships" DROP CONSTRAINT "relationships_target_id_terms_id_fk";
--> statement-breakpoint
DROP INDEX "terms_domain_term_key";
--> statement-breakpoint
ALTER TABLE "terms" ADD COLUMN "vocabulary_id" uuid DEFAULT '00000000-0000-4000-8000-000000000001' NOT NULL;
--> statement-breakpoint
ALTER TABLE "terms" ADD COLUMN "notation" text;
--> statement-breakpoint
ALTER TABLE "terms" ADD COLUMN "iri" text;
--> statement-breakpoint
ALTER TABLE "terms" ADD COLUMN "pref_label_unique" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
UPDATE "terms" SET "notation" = "id"::text, "iri" = 'urn:uuid:' || "id"::text;
--> statement-breakpoint
ALTER TABLE "terms" ALTER COLUMN "notation" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "terms" ALTER COLUMN "iri" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "relationships" ADD COLUMN "vocabulary_id" uuid;
--> statement-breakpoint
UPDATE "relationships" AS r SET "vocabulary_id" = t."vocabulary_id" FROM "terms" AS t WHERE t."id" = r."source_id";
--> statement-breakpoint
ALTER TABLE "relationships" ALTER COLUMN "vocabulary_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "vocabularies" ADD CONSTRAINT "vocabularies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "vocabulary_members" ADD CONSTRAINT "vocabulary_members_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "vocabulary_members" ADD CONSTRAINT "vocabulary_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "vocabulary_members" ADD CONSTRAINT "vocabulary_members_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "vocabularies_slug_key" ON "vocabularies" USING btree ("slug");
--> statement-breakpoint
CREATE UNIQUE INDEX "vocabularies_id_unique_labels_key" ON "vocabularies" USING btree ("id","unique_pref_labels");
--> statement-breakpoint
CREATE INDEX "vocabulary_members_user_idx" ON "vocabulary_members" USING btree ("user_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "terms_vocabulary_id_key" ON "terms" USING btree ("vocabulary_id","id");
--> statement-breakpoint
CREATE UNIQUE INDEX "terms_vocabulary_notation_key" ON "terms" USING btree ("vocabulary_id","notation");
--> statement-breakpoint
CREATE UNIQUE INDEX "terms_iri_key" ON "terms" USING btree ("iri");
--> statement-breakpoint
CREATE INDEX "terms_vocabulary_created_idx" ON "terms" USING btree ("vocabulary_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);
--> statement-breakpoint
CREATE UNIQUE INDEX "terms_domain_term_key" ON "terms" USING btree ("vocabulary_id",lexikon_fold(coalesce("domain", '')),lexikon_fold("term")) WHERE "terms"."pref_label_unique";
--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_source_fk" FOREIGN KEY ("vocabulary_id","source_id") REFERENCES "public"."terms"("vocabulary_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_target_fk" FOREIGN KEY ("vocabulary_id","target_id") REFERENCES "public"."terms"("vocabulary_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "terms" ADD CONSTRAINT "terms_vocabulary_fk" FOREIGN KEY ("vocabulary_id","pref_label_unique") REFERENCES "public"."vocabularies"("id","unique_pref_labels") ON DELETE restrict ON UPDATE cascade;
--> statement-breakpoint
ALTER TABLE "terms" ADD CONSTRAINT "terms_notation_format" CHECK (notation ~ '^[A-Za-z0-9._~-]{1,64}$');
--> statement-breakpoint
-- A new concept's notation (its id, unless given) and IRI (the vocabulary's base IRI and the notation;
-- urn:uuid:<id> under the base "urn:uuid:"), and the vocabulary's label rule, whoever inserts it.
CREATE FUNCTION lexikon_mint_concept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  base text;
  unique_labels boolean;
BEGIN
  SELECT base_iri, unique_pref_labels INTO base, unique_labels FROM vocabularies WHERE id = NEW.vocabulary_id;
  IF base IS NULL THEN
    RETURN NEW; -- the foreign key refuses the row
  END IF;
  NEW.notation := coalesce(NEW.notation, NEW.id::text);
  IF NEW.iri IS NULL THEN
    NEW.iri := CASE WHEN base = 'urn:uuid:' THEN 'urn:uuid:' || NEW.id::text ELSE base || NEW.notation END;
  END IF;
  NEW.pref_label_unique := unique_labels;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "terms_mint_concept" BEFORE INSERT ON "terms" FOR EACH ROW EXECUTE FUNCTION lexikon_mint_concept();
--> statement-breakpoint
-- A concept keeps its vocabulary, notation and IRI for life: links and exports stay valid after a rename.
CREATE FUNCTION lexikon_keep_concept_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.vocabulary_id <> OLD.vocabulary_id OR NEW.notation <> OLD.notation OR NEW.iri <> OLD.iri THEN
    RAISE EXCEPTION 'a concept''s vocabulary, notation and IRI never change' USING ERRCODE = 'check_violation', CONSTRAINT = 'terms_identity_fixed';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "terms_keep_identity" BEFORE UPDATE OF "vocabulary_id", "notation", "iri" ON "terms" FOR EACH ROW EXECUTE FUNCTION lexikon_keep_concept_identity();
--> statement-breakpoint
-- A relation belongs to its source's vocabulary; the foreign keys then refuse a target in another one.
CREATE FUNCTION lexikon_relation_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.vocabulary_id IS NULL THEN
    SELECT vocabulary_id INTO NEW.vocabulary_id FROM terms WHERE id = NEW.source_id;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "relationships_vocabulary" BEFORE INSERT ON "relationships" FOR EACH ROW EXECUTE FUNCTION lexikon_relation_vocabulary();
