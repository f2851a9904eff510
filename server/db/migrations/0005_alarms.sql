CREATE SEQUENCE "public"."alarm_rev" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" text PRIMARY KEY NOT NULL,
	"rev" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"event_source" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	"rule_id" text NOT NULL,
	"rule_name" text NOT NULL,
	"priority" integer NOT NULL,
	"status" text NOT NULL,
	"grid_code" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"zone_id" text,
	"zone_name" text,
	"actions" jsonb NOT NULL,
	"camera_ids" jsonb NOT NULL,
	"speaker_id" text,
	"say" text,
	"handled_by" text,
	"handled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" text PRIMARY KEY NOT NULL,
	"definition" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_rev_idx" ON "alarms" USING btree ("rev");--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_event_rule_idx" ON "alarms" USING btree ("event_source","event_id","rule_id");--> statement-breakpoint
CREATE INDEX "alarms_grid_idx" ON "alarms" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "alarms_status_idx" ON "alarms" USING btree ("status");