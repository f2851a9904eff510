CREATE TABLE "unit_positions" (
	"unit_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "fold_key" text;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
UPDATE "alarms" SET "last_at" = "event_at";--> statement-breakpoint
ALTER TABLE "alarms" ALTER COLUMN "last_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "unit_positions_at_idx" ON "unit_positions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "unit_positions_unit_at_idx" ON "unit_positions" USING btree ("unit_id","at");--> statement-breakpoint
CREATE INDEX "alarms_fold_idx" ON "alarms" USING btree ("rule_id","fold_key","last_at") WHERE "alarms"."fold_key" is not null and "alarms"."status" in ('new', 'acknowledged', 'incident');--> statement-breakpoint
CREATE INDEX "alarms_expiry_idx" ON "alarms" USING btree ("expires_at") WHERE "alarms"."status" = 'new' and "alarms"."expires_at" is not null;