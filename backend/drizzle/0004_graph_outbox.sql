CREATE TABLE "graph_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "graph_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"change" text NOT NULL,
	"term_id" uuid NOT NULL,
	"other_term_id" uuid,
	"relation_id" uuid,
	"relation_type" "relation_type",
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "graph_outbox_kind" CHECK ("graph_outbox"."kind" IN ('term', 'relation')),
	CONSTRAINT "graph_outbox_change" CHECK ("graph_outbox"."change" IN ('created', 'updated', 'deleted')),
	CONSTRAINT "graph_outbox_relation_fields" CHECK ("graph_outbox"."kind" = 'term' OR ("graph_outbox"."other_term_id" IS NOT NULL AND "graph_outbox"."relation_id" IS NOT NULL AND "graph_outbox"."relation_type" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "graph_outbox_term_idx" ON "graph_outbox" USING btree ("term_id","id") WHERE "graph_outbox"."failed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "graph_outbox_other_term_idx" ON "graph_outbox" USING btree ("other_term_id","id") WHERE "graph_outbox"."failed_at" IS NULL AND "graph_outbox"."other_term_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "graph_outbox_relation_idx" ON "graph_outbox" USING btree ("relation_id","id") WHERE "graph_outbox"."failed_at" IS NULL AND "graph_outbox"."relation_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "graph_outbox_pending_idx" ON "graph_outbox" USING btree ("id") WHERE "graph_outbox"."failed_at" IS NULL;