CREATE TABLE "app_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cameras" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"heading" real NOT NULL,
	"fov" real NOT NULL,
	"range_m" real NOT NULL,
	"stream_url" text NOT NULL,
	"grid_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facilities" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"grid_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gates" (
	"id" text PRIMARY KEY NOT NULL,
	"community_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "railways" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"line" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"parent_code" text,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"boundary" jsonb NOT NULL,
	"center_lon" double precision NOT NULL,
	"center_lat" double precision NOT NULL,
	CONSTRAINT "regions_level_check" CHECK ("regions"."level" in ('city','district','street','community','grid'))
);
--> statement-breakpoint
CREATE TABLE "smart_communities" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"boundary" jsonb NOT NULL,
	"center_lon" double precision NOT NULL,
	"center_lat" double precision NOT NULL,
	"households" integer NOT NULL,
	"grid_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "speakers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"railway_id" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"chainage_m" double precision NOT NULL,
	"grid_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"callsign" text NOT NULL,
	"kind" text NOT NULL,
	"home_region_code" text NOT NULL,
	"status" text NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"shape" jsonb NOT NULL,
	"grid_code" text NOT NULL,
	"railway_id" text
);
--> statement-breakpoint
ALTER TABLE "cameras" ADD CONSTRAINT "cameras_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facilities" ADD CONSTRAINT "facilities_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gates" ADD CONSTRAINT "gates_community_id_smart_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."smart_communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_code_regions_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "smart_communities" ADD CONSTRAINT "smart_communities_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speakers" ADD CONSTRAINT "speakers_railway_id_railways_id_fk" FOREIGN KEY ("railway_id") REFERENCES "public"."railways"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speakers" ADD CONSTRAINT "speakers_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_home_region_code_regions_code_fk" FOREIGN KEY ("home_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_grid_code_regions_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_railway_id_railways_id_fk" FOREIGN KEY ("railway_id") REFERENCES "public"."railways"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cameras_grid_idx" ON "cameras" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "facilities_grid_idx" ON "facilities" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "gates_community_idx" ON "gates" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "regions_level_idx" ON "regions" USING btree ("level");--> statement-breakpoint
CREATE INDEX "smart_communities_grid_idx" ON "smart_communities" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "speakers_railway_idx" ON "speakers" USING btree ("railway_id");--> statement-breakpoint
CREATE INDEX "units_home_region_idx" ON "units" USING btree ("home_region_code");--> statement-breakpoint
CREATE INDEX "zones_grid_idx" ON "zones" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "zones_kind_idx" ON "zones" USING btree ("kind");