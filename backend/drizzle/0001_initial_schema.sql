CREATE TYPE "public"."relation_type" AS ENUM('is_a', 'part_of', 'related_to', 'synonym', 'opposes', 'causes', 'precedes', 'influenced_by');--> statement-breakpoint
CREATE TYPE "public"."term_level" AS ENUM('beginner', 'intermediate', 'advanced', 'expert');--> statement-breakpoint
CREATE TYPE "public"."term_status" AS ENUM('draft', 'proposed', 'in_review', 'validated', 'deprecated');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('user', 'admin');--> statement-breakpoint
CREATE TABLE "oauth_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_user_id" text NOT NULL,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"window_seconds" integer NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relationships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"type" "relation_type" NOT NULL,
	"strength" real,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relationships_not_self" CHECK ("relationships"."source_id" <> "relationships"."target_id"),
	CONSTRAINT "relationships_strength_range" CHECK ("relationships"."strength" IS NULL OR ("relationships"."strength" >= 0 AND "relationships"."strength" <= 1))
);
--> statement-breakpoint
CREATE TABLE "terms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"term" text NOT NULL,
	"definition" text NOT NULL,
	"domain" text,
	"level" "term_level" DEFAULT 'beginner' NOT NULL,
	"status" "term_status" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('french'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('english'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('simple'::regconfig, lexikon_fold(term)), 'A') || setweight(to_tsvector('french'::regconfig, lexikon_fold(definition)), 'B') || setweight(to_tsvector('english'::regconfig, lexikon_fold(definition)), 'B') || setweight(to_tsvector('simple'::regconfig, lexikon_fold(definition)), 'B')) STORED NOT NULL,
	CONSTRAINT "terms_version_positive" CHECK ("terms"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"username" text,
	"full_name" text,
	"password_hash" text,
	"role" "user_role" DEFAULT 'user' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "oauth_accounts" ADD CONSTRAINT "oauth_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_source_id_terms_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_target_id_terms_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."terms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "terms" ADD CONSTRAINT "terms_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_accounts_provider_user_key" ON "oauth_accounts" USING btree ("provider","provider_user_id");--> statement-breakpoint
CREATE INDEX "oauth_accounts_user_idx" ON "oauth_accounts" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_hash_key" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "relationships_pair_key" ON "relationships" USING btree ((CASE WHEN "type" IN ('related_to', 'synonym', 'opposes') THEN least("source_id", "target_id") ELSE "source_id" END),(CASE WHEN "type" IN ('related_to', 'synonym', 'opposes') THEN greatest("source_id", "target_id") ELSE "target_id" END),"type");--> statement-breakpoint
CREATE INDEX "relationships_source_idx" ON "relationships" USING btree ("source_id","type");--> statement-breakpoint
CREATE INDEX "relationships_target_idx" ON "relationships" USING btree ("target_id","type");--> statement-breakpoint
CREATE UNIQUE INDEX "terms_domain_term_key" ON "terms" USING btree (lexikon_fold(coalesce("domain", '')),lexikon_fold("term"));--> statement-breakpoint
CREATE INDEX "terms_term_idx" ON "terms" USING btree ("term");--> statement-breakpoint
CREATE INDEX "terms_created_idx" ON "terms" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "terms_folded_term_idx" ON "terms" USING btree (lexikon_fold("term"),"id");--> statement-breakpoint
CREATE INDEX "terms_domain_idx" ON "terms" USING btree (lexikon_fold(coalesce("domain", '')));--> statement-breakpoint
CREATE INDEX "terms_created_by_idx" ON "terms" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "terms_search_idx" ON "terms" USING gin ("search_vector");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key" ON "users" USING btree (lower("username"));