ALTER TABLE "coverage_gaps" ADD COLUMN "alarm_event_id" text;--> statement-breakpoint
-- Spells opened before: each was reported by its own alarm (coverage:<id>).
UPDATE "coverage_gaps" SET "alarm_event_id" = 'coverage:' || "id" WHERE "alarm_event_id" IS NULL;
