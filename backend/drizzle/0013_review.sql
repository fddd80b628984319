ALTER TYPE "public"."revision_action" ADD VALUE 'submitted';--> statement-breakpoint
ALTER TYPE "public"."revision_action" ADD VALUE 'approved';--> statement-breakpoint
ALTER TYPE "public"."revision_action" ADD VALUE 'changes_requested';--> statement-breakpoint
ALTER TYPE "public"."revision_action" ADD VALUE 'withdrawn';--> statement-breakpoint
CREATE TABLE "term_publications" (
	"term_id" uuid PRIMARY KEY NOT NULL,
	"vocabulary_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "term_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "term_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"term_id" uuid NOT NULL,
	"vocabulary_id" uuid NOT NULL,
	"term_version" integer NOT NULL,
	"reviewer_id" uuid,
	"decision" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "term_reviews_decision" CHECK ("term_reviews"."decision" IN ('approved', 'changes_requested'))
);
--> statement-breakpoint
ALTER TABLE "vocabularies" ADD COLUMN "approvals_required" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "vocabularies" ADD COLUMN "self_approval" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "term_publications" ADD CONSTRAINT "term_publications_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_publications" ADD CONSTRAINT "term_publications_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_reviews" ADD CONSTRAINT "term_reviews_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_reviews" ADD CONSTRAINT "term_reviews_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_reviews" ADD CONSTRAINT "term_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "term_publications_vocabulary_idx" ON "term_publications" USING btree ("vocabulary_id","term_id");--> statement-breakpoint
CREATE INDEX "term_reviews_term_idx" ON "term_reviews" USING btree ("term_id","term_version");--> statement-breakpoint
CREATE UNIQUE INDEX "term_reviews_one_approval_key" ON "term_reviews" USING btree ("term_id","term_version","reviewer_id") WHERE "term_reviews"."decision" = 'approved';--> statement-breakpoint
ALTER TABLE "vocabularies" ADD CONSTRAINT "vocabularies_approvals_required" CHECK ("vocabularies"."approvals_required" BETWEEN 1 AND 5);--> statement-breakpoint
-- What was validated or deprecated before review existed is what is served: its latest revision.
INSERT INTO term_publications (term_id, vocabulary_id, revision, published_at)
SELECT t.id, t.vocabulary_id, latest.revision, latest.created_at
FROM terms t
JOIN LATERAL (
  SELECT r.revision, r.created_at FROM term_revisions r WHERE r.term_id = t.id ORDER BY r.revision DESC LIMIT 1
) latest ON true
WHERE t.status IN ('validated', 'deprecated');
