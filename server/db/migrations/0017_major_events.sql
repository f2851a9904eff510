CREATE TABLE "major_events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region_code" text NOT NULL,
	"definition" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "raise" jsonb;--> statement-breakpoint
CREATE INDEX "major_events_window_idx" ON "major_events" USING btree ("ends_at","starts_at");