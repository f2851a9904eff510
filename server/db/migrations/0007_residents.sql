CREATE TABLE "residents" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"grid_code" text NOT NULL,
	"name" text NOT NULL,
	"living_alone" boolean DEFAULT false NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_community_id_smart_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."smart_communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "residents_community_idx" ON "residents" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "residents_living_alone_idx" ON "residents" USING btree ("id") WHERE "residents"."living_alone";--> statement-breakpoint
CREATE INDEX "events_access_resident_idx" ON "events" USING btree (("attributes"->>'residentId'),"at") WHERE "events"."source" = 'access' and "events"."type" <> 'resident_absence';