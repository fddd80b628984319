CREATE TABLE "webhook_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"webhook_id" uuid NOT NULL,
	"event" text NOT NULL,
	"event_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"delivered_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"redelivery_of" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status" CHECK ("webhook_deliveries"."status" IN ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vocabulary_id" uuid NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"description" text,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhooks_events" CHECK ("webhooks"."events" <@ ARRAY['term.published', 'term.deprecated', 'release.published']::text[] AND cardinality("webhooks"."events") > 0)
);
--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_action";--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_vocabulary_id_vocabularies_id_fk" FOREIGN KEY ("vocabulary_id") REFERENCES "public"."vocabularies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("available_at","id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhooks_vocabulary_idx" ON "webhooks" USING btree ("vocabulary_id");--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_action" CHECK (action IN ('account.created', 'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out', 'auth.session_revoked', 'vocabulary.created', 'vocabulary.updated', 'vocabulary.deleted', 'member.granted', 'member.changed', 'member.revoked', 'admin.promoted', 'admin.validation_run', 'release.published', 'webhook.created', 'webhook.deleted'));--> statement-breakpoint
-- Events are written where the change is, in its transaction: whatever publishes a concept (the API, an
-- import, the seed) queues its deliveries, and an event exists exactly when its change committed.
CREATE FUNCTION lexikon_webhook_term_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhooks WHERE active) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload)
  SELECT w.id, e.event, e.event_id, e.payload
  FROM (
    SELECT p.vocabulary_id,
           CASE WHEN r.snapshot->>'status' = 'deprecated' AND 'status' = ANY (r.changed)
                THEN 'term.deprecated' ELSE 'term.published' END AS event,
           gen_random_uuid() AS event_id,
           jsonb_build_object(
             'vocabulary', v.slug,
             'concept', jsonb_build_object(
               'id', p.term_id, 'iri', r.snapshot->>'iri', 'notation', r.snapshot->>'notation',
               'term', r.snapshot->>'term', 'status', r.snapshot->>'status', 'revision', p.revision,
               'replaced_by', coalesce(r.snapshot->'replaced_by', '[]'::jsonb)),
             'published_at', p.published_at) AS payload
    FROM published p
    JOIN term_revisions r ON r.term_id = p.term_id AND r.revision = p.revision
    JOIN vocabularies v ON v.id = p.vocabulary_id
  ) e
  JOIN webhooks w ON w.vocabulary_id = e.vocabulary_id AND w.active AND e.event = ANY (w.events);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER term_publications_webhooks_on_insert AFTER INSERT ON term_publications
  REFERENCING NEW TABLE AS published FOR EACH STATEMENT EXECUTE FUNCTION lexikon_webhook_term_events();
--> statement-breakpoint
CREATE TRIGGER term_publications_webhooks_on_update AFTER UPDATE ON term_publications
  REFERENCING NEW TABLE AS published FOR EACH STATEMENT EXECUTE FUNCTION lexikon_webhook_term_events();
--> statement-breakpoint
CREATE FUNCTION lexikon_webhook_release_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (webhook_id, event, event_id, payload)
  SELECT w.id, 'release.published', e.event_id, e.payload
  FROM (
    SELECT gen_random_uuid() AS event_id,
           jsonb_build_object(
             'vocabulary', v.slug,
             'release', jsonb_build_object(
               'name', NEW.name, 'note', NEW.note, 'concept_count', NEW.concept_count,
               'content_sha256', NEW.content_sha256, 'published_at', NEW.published_at)) AS payload
    FROM vocabularies v WHERE v.id = NEW.vocabulary_id
  ) e
  JOIN webhooks w ON w.vocabulary_id = NEW.vocabulary_id AND w.active AND 'release.published' = ANY (w.events);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER releases_webhooks AFTER INSERT ON releases
  FOR EACH ROW EXECUTE FUNCTION lexikon_webhook_release_event();
