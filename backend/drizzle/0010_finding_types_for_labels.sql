ALTER TYPE "public"."semantic_error_type" ADD VALUE 'missing_translation';--> statement-breakpoint
ALTER TYPE "public"."semantic_error_type" ADD VALUE 'ambiguous_label';