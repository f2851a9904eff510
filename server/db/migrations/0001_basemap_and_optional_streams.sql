CREATE TABLE "basemap_features" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"class" text NOT NULL,
	"name" text,
	"geometry" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cameras" ALTER COLUMN "stream_url" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "basemap_kind_idx" ON "basemap_features" USING btree ("kind");