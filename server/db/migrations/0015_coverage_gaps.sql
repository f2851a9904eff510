CREATE TABLE "coverage_gaps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "coverage_gaps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"grid_code" text NOT NULL,
	"need" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"eta_min" double precision,
	"threshold_min" double precision NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "coverage_gaps_open_idx" ON "coverage_gaps" USING btree ("grid_code","need") WHERE "coverage_gaps"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "coverage_gaps_opened_idx" ON "coverage_gaps" USING btree ("opened_at");