CREATE TYPE "public"."revision_action" AS ENUM('baseline', 'created', 'updated', 'deleted', 'restored');--> statement-breakpoint
CREATE TABLE "term_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vocabulary_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"term_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"action" "revision_action" NOT NULL,
	"term_version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed" text[] NOT NULL,
	"author_id" uuid,
	"comment" text,
	"change_set_id" uuid NOT NULL,
	"restored_from" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "term_revisions_positive" CHECK ("term_revisions"."seq" > 0 AND "term_revisions"."revision" > 0)
);
--> statement-breakpoint
ALTER TABLE "vocabularies" ADD COLUMN "last_change_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "term_revisions" ADD CONSTRAINT "term_revisions_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_revisions" ADD CONSTRAINT "term_revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "term_revisions_feed_key" ON "term_revisions" USING btree ("vocabulary_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "term_revisions_term_key" ON "term_revisions" USING btree ("term_id","revision");--> statement-breakpoint
CREATE INDEX "term_revisions_change_set_idx" ON "term_revisions" USING btree ("change_set_id");--> statement-breakpoint
-- The whole concept as one jsonb value: its fields, its parts in the order the API lists them, and its
-- outgoing relations. The one definition of a revision's snapshot, used by every write and by the
-- baseline below, so a revision recorded by the app compares equal to one recorded here.
-- PL/pgSQL rather than SQL: its plan is kept for the session instead of being made on every call.
CREATE FUNCTION lexikon_term_snapshot(subject uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT jsonb_build_object(
    'term', t.term,
    'definition', t.definition,
    'domain', t.domain,
    'level', t.level,
    'status', t.status,
    'notation', t.notation,
    'iri', t.iri,
    'created_by', t.created_by,
    'pref_labels', coalesce((SELECT jsonb_object_agg(l.language, l.text) FROM term_labels l
      WHERE l.term_id = t.id AND l.kind = 'pref'), '{}'::jsonb),
    'alt_labels', coalesce((SELECT jsonb_agg(jsonb_build_object('language', l.language, 'text', l.text, 'kind', l.variant)
      ORDER BY l.language, l.position) FROM term_labels l WHERE l.term_id = t.id AND l.kind = 'alt'), '[]'::jsonb),
    'hidden_labels', coalesce((SELECT jsonb_agg(jsonb_build_object('language', l.language, 'text', l.text, 'kind', l.variant)
      ORDER BY l.language, l.position) FROM term_labels l WHERE l.term_id = t.id AND l.kind = 'hidden'), '[]'::jsonb),
    'definitions', coalesce((SELECT jsonb_object_agg(d.language, d.text) FROM term_definitions d
      WHERE d.term_id = t.id), '{}'::jsonb),
    'sources', coalesce((SELECT jsonb_agg(jsonb_build_object('language', s.language, 'citation', s.citation, 'url', s.url)
      ORDER BY s.language, s.position) FROM term_sources s WHERE s.term_id = t.id), '[]'::jsonb),
    'notes', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', n.kind, 'language', n.language, 'text', n.text)
      ORDER BY n.kind, n.language, n.position) FROM term_notes n WHERE n.term_id = t.id), '[]'::jsonb),
    'mappings', coalesce((SELECT jsonb_agg(jsonb_build_object('type', m.type, 'iri', m.target_iri, 'term_id', m.target_term_id, 'label', m.label)
      ORDER BY m.type, m.target_iri) FROM term_mappings m WHERE m.term_id = t.id), '[]'::jsonb),
    'replaced_by', coalesce((SELECT jsonb_agg(r.replaced_by_id ORDER BY r.replaced_by_id)
      FROM term_replacements r WHERE r.term_id = t.id), '[]'::jsonb),
    'relations', coalesce((SELECT jsonb_agg(jsonb_build_object('type', r.type, 'target_id', r.target_id, 'strength', r.strength)
      ORDER BY r.type, r.target_id) FROM relationships r WHERE r.source_id = t.id), '[]'::jsonb))
  FROM terms t WHERE t.id = subject);
END
$$;
--> statement-breakpoint
-- The top-level fields whose values differ between two snapshots (a field missing from one counts as
-- changed unless it is empty in the other).
CREATE FUNCTION lexikon_snapshot_changes(before jsonb, after jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(key ORDER BY key), '{}') FROM (
    SELECT coalesce(a.key, b.key) AS key, a.value AS after_value, b.value AS before_value
    FROM jsonb_each(coalesce(after, '{}'::jsonb)) a FULL JOIN jsonb_each(coalesce(before, '{}'::jsonb)) b ON a.key = b.key
  ) pairs
  WHERE coalesce(after_value, 'null'::jsonb) IS DISTINCT FROM coalesce(before_value, 'null'::jsonb)
    AND NOT (before_value IS NULL AND after_value IN ('[]'::jsonb, '{}'::jsonb, 'null'::jsonb))
    AND NOT (after_value IS NULL AND before_value IN ('[]'::jsonb, '{}'::jsonb, 'null'::jsonb))
$$;
--> statement-breakpoint
-- History is append-only: a revision is never rewritten (deleting a whole vocabulary removes its own).
-- The one change let through is the foreign key's own: an author's account deleted sets author_id null.
CREATE FUNCTION lexikon_refuse_revision_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.author_id IS NULL AND to_jsonb(NEW) - 'author_id' = to_jsonb(OLD) - 'author_id' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'term_revisions is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER term_revisions_append_only BEFORE UPDATE ON term_revisions
  FOR EACH ROW EXECUTE FUNCTION lexikon_refuse_revision_update();
--> statement-breakpoint
-- Every concept that exists gets its baseline: its state now, one change set per vocabulary, numbered in
-- the feed by creation. Nothing of the terms changes.
WITH sets AS (SELECT id AS vocabulary_id, gen_random_uuid() AS change_set_id FROM vocabularies),
numbered AS (
  SELECT t.id, t.vocabulary_id, t.version, t.updated_at,
         row_number() OVER (PARTITION BY t.vocabulary_id ORDER BY t.created_at, t.id) AS seq
  FROM terms t
)
INSERT INTO term_revisions (vocabulary_id, seq, term_id, revision, action, term_version, snapshot, changed,
                            author_id, change_set_id, created_at)
SELECT n.vocabulary_id, n.seq, n.id, 1, 'baseline', n.version, lexikon_term_snapshot(n.id), '{}', NULL,
       s.change_set_id, n.updated_at
FROM numbered n JOIN sets s USING (vocabulary_id);
--> statement-breakpoint
UPDATE vocabularies v SET last_change_seq = (SELECT count(*) FROM terms t WHERE t.vocabulary_id = v.id);
