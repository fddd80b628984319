ALTER TABLE "term_validations" DROP CONSTRAINT "term_validations_trigger";--> statement-breakpoint
DROP INDEX "validation_jobs_due_idx";--> statement-breakpoint
ALTER TABLE "validation_findings" ADD COLUMN "translations" jsonb;--> statement-breakpoint
ALTER TABLE "validation_jobs" ADD COLUMN "priority" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "terms_definition_hash_idx" ON "terms" USING btree (md5(lexikon_fold("definition")));--> statement-breakpoint
CREATE INDEX "validation_findings_related_idx" ON "validation_findings" USING gin ("related_term_ids");--> statement-breakpoint
CREATE INDEX "validation_jobs_due_idx" ON "validation_jobs" USING btree ("priority","run_after") WHERE "validation_jobs"."status" = 'queued';--> statement-breakpoint
ALTER TABLE "term_validations" ADD CONSTRAINT "term_validations_trigger" CHECK ("term_validations"."trigger" IN ('manual', 'job', 'import'));--> statement-breakpoint
ALTER TABLE "validation_jobs" ADD CONSTRAINT "validation_jobs_priority" CHECK ("validation_jobs"."priority" IN (0, 1));