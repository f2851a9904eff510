ALTER TABLE "alarms" DROP CONSTRAINT "alarms_grid_code_regions_code_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_grid_code_regions_code_fk";
--> statement-breakpoint
DROP INDEX "alarms_grid_idx";--> statement-breakpoint
DROP INDEX "alarms_status_idx";--> statement-breakpoint
CREATE INDEX "alarms_open_rev_idx" ON "alarms" USING btree ("rev") WHERE "alarms"."status" in ('new', 'acknowledged');