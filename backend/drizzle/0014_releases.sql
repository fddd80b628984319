CREATE TABLE "release_concepts" (
	"release_id" uuid NOT NULL,
	"term_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"iri" text NOT NULL,
	CONSTRAINT "release_concepts_release_id_term_id_pk" PRIMARY KEY("release_id","term_id")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vocabulary_id" uuid NOT NULL,
	"name" text NOT NULL,
	"note" text,
	"vocabulary" jsonb NOT NULL,
	"concept_count" integer NOT NULL,
	"content_sha256" text NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "releases_name_format" CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
);
--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_action";--> statement-breakpoint
ALTER TABLE "release_concepts" ADD CONSTRAINT "release_concepts_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "release_concepts_iri_key" ON "release_concepts" USING btree ("release_id","iri");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_vocabulary_name_key" ON "releases" USING btree ("vocabulary_id","name");--> statement-breakpoint
CREATE INDEX "releases_vocabulary_published_idx" ON "releases" USING btree ("vocabulary_id","published_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_action" CHECK (action IN ('account.created', 'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out', 'auth.session_revoked', 'vocabulary.created', 'vocabulary.updated', 'vocabulary.deleted', 'member.granted', 'member.changed', 'member.revoked', 'admin.promoted', 'admin.validation_run', 'release.published'));--> statement-breakpoint
-- A release never changes once published. The one update let through is the foreign key's own (an account
-- deleted sets published_by null); rows go only with their vocabulary (its deletion cascades).
CREATE FUNCTION lexikon_refuse_release_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.published_by IS NULL AND to_jsonb(NEW) - 'published_by' = to_jsonb(OLD) - 'published_by' THEN
      RETURN NEW;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM vocabularies WHERE id = OLD.vocabulary_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'releases are immutable' USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE FUNCTION lexikon_refuse_release_concept_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM releases WHERE id = OLD.release_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'releases are immutable' USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER releases_immutable BEFORE UPDATE OR DELETE ON releases
  FOR EACH ROW EXECUTE FUNCTION lexikon_refuse_release_change();
--> statement-breakpoint
CREATE TRIGGER release_concepts_immutable BEFORE UPDATE OR DELETE ON release_concepts
  FOR EACH ROW EXECUTE FUNCTION lexikon_refuse_release_concept_change();
