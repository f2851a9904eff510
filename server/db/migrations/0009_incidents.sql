CREATE SEQUENCE "public"."incident_no" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "public"."incident_rev" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "incident_sources" (
	"incident_id" text NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "incident_sources_incident_id_kind_ref_pk" PRIMARY KEY("incident_id","kind","ref")
);
--> statement-breakpoint
CREATE TABLE "incident_timeline" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "incident_timeline_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"incident_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"note" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"rev" bigint NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"priority" integer NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"tracking_code" text,
	"reporter" jsonb,
	"grid_code" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"address" text NOT NULL,
	"department" text NOT NULL,
	"assignments" jsonb NOT NULL,
	"escalations" integer NOT NULL,
	"max_escalations" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"first_dispatched_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"unit_accepted_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"breaches" jsonb NOT NULL,
	"flagged" boolean NOT NULL,
	"merged_into" text,
	"merged_from" jsonb NOT NULL,
	"rating" integer,
	"rating_comment" text,
	"photo_ids" jsonb NOT NULL,
	"dispute" jsonb
);
--> statement-breakpoint
CREATE TABLE "photos" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"bytes" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "incident_id" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "incident_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "unit_id" text;--> statement-breakpoint
ALTER TABLE "incident_sources" ADD CONSTRAINT "incident_sources_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_timeline" ADD CONSTRAINT "incident_timeline_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_sources_ref_idx" ON "incident_sources" USING btree ("kind","ref");--> statement-breakpoint
CREATE INDEX "incident_timeline_incident_idx" ON "incident_timeline" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_code_idx" ON "incidents" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_rev_idx" ON "incidents" USING btree ("rev");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_tracking_idx" ON "incidents" USING btree ("tracking_code") WHERE "incidents"."tracking_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_external_idx" ON "incidents" USING btree ("source","external_id") WHERE "incidents"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "incidents_open_priority_idx" ON "incidents" USING btree ("priority",coalesce("due_at", 'infinity'::timestamptz),"id") WHERE "incidents"."status" not in ('closed', 'merged', 'cancelled');--> statement-breakpoint
CREATE INDEX "incidents_open_rev_idx" ON "incidents" USING btree ("rev") WHERE "incidents"."status" not in ('closed', 'merged', 'cancelled');--> statement-breakpoint
CREATE INDEX "incidents_due_idx" ON "incidents" USING btree ("due_at") WHERE "incidents"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "incidents_created_idx" ON "incidents" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "incidents_district_created_idx" ON "incidents" USING btree (left("grid_code", 6),"created_at","id");--> statement-breakpoint
CREATE INDEX "incidents_street_created_idx" ON "incidents" USING btree (left("grid_code", 9),"created_at","id");--> statement-breakpoint
CREATE INDEX "incidents_grid_created_idx" ON "incidents" USING btree ("grid_code","created_at");--> statement-breakpoint
CREATE INDEX "incidents_category_created_idx" ON "incidents" USING btree ("category","created_at");--> statement-breakpoint
CREATE INDEX "incidents_assignments_idx" ON "incidents" USING gin ("assignments" jsonb_path_ops);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "units_updated_idx" ON "units" USING btree ("updated_at");--> statement-breakpoint
UPDATE "units" SET "department" = substring("callsign" from '(城管|市场监管|住建|生态环境|水务|应急管理|交通运输|卫健|民政|供电|燃气)') WHERE "kind" = 'department';--> statement-breakpoint
CREATE INDEX "incidents_parties_idx" ON "incidents" USING gin (("dispute"->'parties') jsonb_path_ops) WHERE "dispute" is not null;