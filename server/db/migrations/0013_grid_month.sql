-- What a read of grid_month sends: the counts as one text (an IMMUTABLE wrapper: array_to_string is
-- STABLE in general, but integers print the same under every setting).
CREATE FUNCTION stats_counts_text(counts int[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_string(counts, ',')
$$;--> statement-breakpoint
CREATE TABLE "grid_month" (
	"month" date NOT NULL,
	"grid" text COLLATE "C" NOT NULL,
	"counts" integer[] NOT NULL,
	"counts_text" text GENERATED ALWAYS AS (stats_counts_text(counts)) STORED NOT NULL,
	"total" integer NOT NULL,
	CONSTRAINT "grid_month_month_grid_pk" PRIMARY KEY("month","grid")
);--> statement-breakpoint
-- The 29 categories in shared/ingest.ts RISK_CATEGORIES' order: grid_month.counts[i] is the i-th's
-- count (a test checks the two lists are the same).
CREATE FUNCTION stats_categories() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
  'public_order', 'criminal_case', 'theft', 'fraud', 'dispute_neighbour', 'dispute_family',
  'dispute_property', 'dispute_labour', 'dispute_land', 'dispute_traffic', 'dispute_consumer', 'petition',
  'fire_hazard', 'ebike_violation', 'high_throw', 'gas_hazard', 'building_hazard', 'road_facility',
  'illegal_parking', 'street_vending', 'noise', 'sanitation', 'illegal_building', 'railway_safety',
  'school_safety', 'hospital_safety', 'key_person', 'vulnerable_care', 'crowd_gathering'
  ]::text[]
$$;--> statement-breakpoint
CREATE FUNCTION stats_category_index(category text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_position(stats_categories(), category)
$$;--> statement-breakpoint
-- Add (sign 1) or take back (sign -1) one incident's count in its grid's month: what the facts'
-- reported − cancelled make of it (1 unless merged or cancelled).
CREATE FUNCTION stats_apply_grid_month(r incidents, s int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', stats_day(r.created_at))::date;
  i int := stats_category_index(r.category);
  c int[] := array_fill(0, ARRAY[cardinality(stats_categories())]);
BEGIN
  IF r.status IN ('merged', 'cancelled') THEN RETURN; END IF;
  IF i IS NULL THEN
    INSERT INTO grid_month AS t (month, grid, counts, total) VALUES (m, r.grid_code, c, s)
    ON CONFLICT (month, grid) DO UPDATE SET total = t.total + s;
  ELSE
    c[i] := s;
    INSERT INTO grid_month AS t (month, grid, counts, total) VALUES (m, r.grid_code, c, s)
    ON CONFLICT (month, grid) DO UPDATE SET counts[i] = t.counts[i] + s, total = t.total + s;
  END IF;
END
$$;--> statement-breakpoint
-- grid_month from the grids' month rows of incident_rollup (the rebuild's last step; and once here,
-- for a database that has them already), in one pass: an aggregate per category index (a subquery
-- per grid and month cost seconds on PGlite). Months whose count came back to 0 get no row.
CREATE FUNCTION stats_grid_month_fill() RETURNS void LANGUAGE sql AS $$
  INSERT INTO grid_month (month, grid, counts, total)
  SELECT start, region, ARRAY[
      coalesce(sum(n) FILTER (WHERE i = 1), 0), coalesce(sum(n) FILTER (WHERE i = 2), 0), coalesce(sum(n) FILTER (WHERE i = 3), 0),
      coalesce(sum(n) FILTER (WHERE i = 4), 0), coalesce(sum(n) FILTER (WHERE i = 5), 0), coalesce(sum(n) FILTER (WHERE i = 6), 0),
      coalesce(sum(n) FILTER (WHERE i = 7), 0), coalesce(sum(n) FILTER (WHERE i = 8), 0), coalesce(sum(n) FILTER (WHERE i = 9), 0),
      coalesce(sum(n) FILTER (WHERE i = 10), 0), coalesce(sum(n) FILTER (WHERE i = 11), 0), coalesce(sum(n) FILTER (WHERE i = 12), 0),
      coalesce(sum(n) FILTER (WHERE i = 13), 0), coalesce(sum(n) FILTER (WHERE i = 14), 0), coalesce(sum(n) FILTER (WHERE i = 15), 0),
      coalesce(sum(n) FILTER (WHERE i = 16), 0), coalesce(sum(n) FILTER (WHERE i = 17), 0), coalesce(sum(n) FILTER (WHERE i = 18), 0),
      coalesce(sum(n) FILTER (WHERE i = 19), 0), coalesce(sum(n) FILTER (WHERE i = 20), 0), coalesce(sum(n) FILTER (WHERE i = 21), 0),
      coalesce(sum(n) FILTER (WHERE i = 22), 0), coalesce(sum(n) FILTER (WHERE i = 23), 0), coalesce(sum(n) FILTER (WHERE i = 24), 0),
      coalesce(sum(n) FILTER (WHERE i = 25), 0), coalesce(sum(n) FILTER (WHERE i = 26), 0), coalesce(sum(n) FILTER (WHERE i = 27), 0),
      coalesce(sum(n) FILTER (WHERE i = 28), 0), coalesce(sum(n) FILTER (WHERE i = 29), 0)
    ]::int[],
    sum(n) FILTER (WHERE dim = '-')
  FROM (
    SELECT start, region, dim, CASE WHEN dim = 'category' THEN stats_category_index(key) END AS i,
      reported - cancelled AS n
    FROM incident_rollup
    WHERE grain = 'm' AND level = 3 AND dim IN ('-', 'category')
  ) x
  GROUP BY start, region
  HAVING sum(n) FILTER (WHERE dim = '-') <> 0
  ORDER BY 1, 2
$$;--> statement-breakpoint
-- Keep grid_month current in the writer's own transaction, beside 0012's rollup trigger: only where
-- an incident's cell (grid, month, category, or whether it counts) changed. A bulk load skips it
-- as it skips 0012's (stats.bulk), and stats_rebuild() fills the table after.
CREATE FUNCTION stats_grid_month_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('stats.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND (OLD.grid_code, OLD.category, date_trunc('month', stats_day(OLD.created_at)),
      OLD.status IN ('merged', 'cancelled'))
    IS NOT DISTINCT FROM (NEW.grid_code, NEW.category, date_trunc('month', stats_day(NEW.created_at)),
      NEW.status IN ('merged', 'cancelled')) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_apply_grid_month(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM stats_apply_grid_month(NEW, 1); END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER incidents_grid_month AFTER INSERT OR UPDATE OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION stats_grid_month_trigger();--> statement-breakpoint
-- stats_rebuild() of 0012 keeps its body under another name; the rebuild is it, then grid_month,
-- with the tables emptied by TRUNCATE and their primary keys built once after the inserts (row by
-- row into the keys cost PGlite twice as much: BENCHMARKS.md, first start). It holds the rollups
-- locked to its end, so a writer's trigger waits for the rebuilt sums rather than racing them.
ALTER FUNCTION stats_rebuild() RENAME TO stats_rebuild_rollups;--> statement-breakpoint
CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_rollup, incident_rollup_hist, alarm_rollup, grid_month;
  ALTER TABLE incident_rollup DROP CONSTRAINT incident_rollup_grain_level_start_region_dim_key_pk;
  ALTER TABLE incident_rollup_hist DROP CONSTRAINT incident_rollup_hist_grain_level_start_region_measure_bucket_pk;
  ALTER TABLE alarm_rollup DROP CONSTRAINT alarm_rollup_grain_level_start_region_priority_source_pk;
  ALTER TABLE grid_month DROP CONSTRAINT grid_month_month_grid_pk;
  PERFORM stats_rebuild_rollups();
  PERFORM stats_grid_month_fill();
  ALTER TABLE incident_rollup ADD CONSTRAINT incident_rollup_grain_level_start_region_dim_key_pk
    PRIMARY KEY (grain, level, start, region, dim, key);
  ALTER TABLE incident_rollup_hist ADD CONSTRAINT incident_rollup_hist_grain_level_start_region_measure_bucket_pk
    PRIMARY KEY (grain, level, start, region, measure, bucket);
  ALTER TABLE alarm_rollup ADD CONSTRAINT alarm_rollup_grain_level_start_region_priority_source_pk
    PRIMARY KEY (grain, level, start, region, priority, source);
  ALTER TABLE grid_month ADD CONSTRAINT grid_month_month_grid_pk PRIMARY KEY (month, grid);
END
$$;--> statement-breakpoint
SELECT stats_grid_month_fill();
