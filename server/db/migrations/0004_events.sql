CREATE TABLE "events" (
	"source" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"device_id" text,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"grid_code" text NOT NULL,
	"severity" integer,
	"attributes" jsonb,
	"media" jsonb,
	"credential_id" text,
	CONSTRAINT "events_source_id_pk" PRIMARY KEY("source","id")
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_grid_at_idx" ON "events" USING btree ("grid_code","at");--> statement-breakpoint
CREATE INDEX "events_at_idx" ON "events" USING btree ("at");