CREATE TYPE "public"."finding_severity" AS ENUM('error', 'warning', 'info');--> statement-breakpoint
CREATE TYPE "public"."semantic_error_type" AS ENUM('missing_definition', 'definition_too_short', 'definition_too_long', 'circular_definition', 'too_vague', 'ambiguous_definition', 'duplicate_definition', 'missing_domain', 'wrong_domain', 'inconsistent_relations', 'incorrect_definition');--> statement-breakpoint
CREATE TABLE "term_validations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"term_id" uuid NOT NULL,
	"term_version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" uuid,
	"validators" text[] NOT NULL,
	"model" text,
	"prompt_version" text,
	"status" text NOT NULL,
	"error_reason" text,
	"error" text,
	"raw_output" text,
	"latency_ms" integer NOT NULL,
	"llm_latency_ms" integer,
	"llm_attempts" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "term_validations_trigger" CHECK ("term_validations"."trigger" IN ('manual', 'job')),
	CONSTRAINT "term_validations_status" CHECK ("term_validations"."status" IN ('ok', 'failed', 'malformed', 'off_schema'))
);
--> statement-breakpoint
CREATE TABLE "validation_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"validation_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"source" text NOT NULL,
	"rule" text,
	"type" "semantic_error_type" NOT NULL,
	"severity" "finding_severity" NOT NULL,
	"explanation" text NOT NULL,
	"suggestion" text,
	"evidence" text,
	"related_term_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	CONSTRAINT "validation_findings_source" CHECK ("validation_findings"."source" IN ('rules', 'llm'))
);
--> statement-breakpoint
CREATE TABLE "validation_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"term_id" uuid NOT NULL,
	"term_version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "validation_jobs_status" CHECK ("validation_jobs"."status" IN ('queued', 'running', 'done', 'failed', 'skipped')),
	CONSTRAINT "validation_jobs_attempts" CHECK ("validation_jobs"."attempts" >= 0 AND "validation_jobs"."max_attempts" > 0)
);
--> statement-breakpoint
CREATE TABLE "validation_override_findings" (
	"override_id" uuid NOT NULL,
	"finding_id" uuid NOT NULL,
	CONSTRAINT "validation_override_findings_override_id_finding_id_pk" PRIMARY KEY("override_id","finding_id")
);
--> statement-breakpoint
CREATE TABLE "validation_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"term_id" uuid NOT NULL,
	"term_version" integer NOT NULL,
	"reason" text NOT NULL,
	"overridden_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "term_validations" ADD CONSTRAINT "term_validations_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_validations" ADD CONSTRAINT "term_validations_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_findings" ADD CONSTRAINT "validation_findings_validation_id_term_validations_id_fk" FOREIGN KEY ("validation_id") REFERENCES "public"."term_validations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_jobs" ADD CONSTRAINT "validation_jobs_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_override_findings" ADD CONSTRAINT "validation_override_findings_override_id_validation_overrides_id_fk" FOREIGN KEY ("override_id") REFERENCES "public"."validation_overrides"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_override_findings" ADD CONSTRAINT "validation_override_findings_finding_id_validation_findings_id_fk" FOREIGN KEY ("finding_id") REFERENCES "public"."validation_findings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_overrides" ADD CONSTRAINT "validation_overrides_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_overrides" ADD CONSTRAINT "validation_overrides_overridden_by_users_id_fk" FOREIGN KEY ("overridden_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "term_validations_term_idx" ON "term_validations" USING btree ("term_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "term_validations_content_idx" ON "term_validations" USING btree ("term_id","content_hash","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "term_validations_requested_by_idx" ON "term_validations" USING btree ("requested_by");--> statement-breakpoint
CREATE INDEX "validation_findings_validation_idx" ON "validation_findings" USING btree ("validation_id","position");--> statement-breakpoint
CREATE INDEX "validation_jobs_due_idx" ON "validation_jobs" USING btree ("run_after") WHERE "validation_jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "validation_jobs_lease_idx" ON "validation_jobs" USING btree ("locked_until") WHERE "validation_jobs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "validation_jobs_term_idx" ON "validation_jobs" USING btree ("term_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "validation_jobs_finished_idx" ON "validation_jobs" USING btree ("finished_at") WHERE "validation_jobs"."finished_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "validation_override_findings_finding_idx" ON "validation_override_findings" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "validation_overrides_term_idx" ON "validation_overrides" USING btree ("term_id");--> statement-breakpoint
CREATE INDEX "validation_overrides_by_idx" ON "validation_overrides" USING btree ("overridden_by");