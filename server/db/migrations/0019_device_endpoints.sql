CREATE TABLE "device_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"enabled" boolean NOT NULL,
	"fold_seconds" integer NOT NULL,
	"config" jsonb NOT NULL,
	"match_key" text,
	"secret" text,
	"last_seen_at" timestamp with time zone,
	"events_in" bigint DEFAULT 0 NOT NULL,
	"folded" bigint DEFAULT 0 NOT NULL,
	"rejected" bigint DEFAULT 0 NOT NULL,
	"dead_lettered" bigint DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "photos" ADD COLUMN "grid_code" text;--> statement-breakpoint
ALTER TABLE "device_endpoints" ADD CONSTRAINT "device_endpoints_scope_regions_code_fk" FOREIGN KEY ("scope") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "device_endpoints_match_idx" ON "device_endpoints" USING btree ("kind","match_key");