-- grid_month grows the six months before each row (issue 16): the standout rule compares a grid's
-- month with them, and reading them per candidate pair (six rows each, by the primary key) was the
-- larger half of a city-wide analysis on PostgreSQL (BENCHMARKS.md). The columns are added with a
-- default for the rows there are, then filled from the rollups below.
ALTER TABLE "grid_month" ADD COLUMN "history" integer[] DEFAULT '{}'::int[] NOT NULL;--> statement-breakpoint
ALTER TABLE "grid_month" ADD COLUMN "history_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "grid_month" ALTER COLUMN "history" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "grid_month" ALTER COLUMN "history_total" DROP DEFAULT;--> statement-breakpoint
-- How many months before a row its history sums: standout.ts HISTORY_MONTHS (a test checks they agree).
CREATE FUNCTION stats_history_months() RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 6
$$;--> statement-breakpoint
-- Add (sign 1) or take back (sign -1) one incident's count in its grid's month, and in the history of
-- the grid's rows of the six months after it. A month's first row takes its history from the rows
-- before it, so the writers of one grid take turns (an advisory lock per grid, to the transaction's
-- end): a change in an earlier month cannot miss a row being made.
CREATE OR REPLACE FUNCTION stats_apply_grid_month(r incidents, s int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', stats_day(r.created_at))::date;
  i int := stats_category_index(r.category);
  w int := cardinality(stats_categories());
  c int[] := array_fill(0, ARRAY[w]);
  prior date[] := ARRAY(SELECT (m - make_interval(months => k))::date FROM generate_series(1, stats_history_months()) k);
  later date[] := ARRAY(SELECT (m + make_interval(months => k))::date FROM generate_series(1, stats_history_months()) k);
  h int[];
  ht int;
BEGIN
  IF r.status IN ('merged', 'cancelled') THEN RETURN; END IF;
  PERFORM pg_advisory_xact_lock(1196707144, hashtext(r.grid_code)); -- 'GTMH'
  IF i IS NULL THEN
    UPDATE grid_month SET total = total + s WHERE month = m AND grid = r.grid_code;
  ELSE
    UPDATE grid_month SET counts[i] = counts[i] + s, total = total + s WHERE month = m AND grid = r.grid_code;
  END IF;
  IF NOT FOUND THEN
    SELECT array_agg(coalesce(x.v, 0) ORDER BY k) INTO h FROM generate_series(1, w) k LEFT JOIN (
      SELECT u.k, sum(u.v)::int AS v
      FROM grid_month g CROSS JOIN unnest(g.counts) WITH ORDINALITY u(v, k)
      WHERE g.month = ANY(prior) AND g.grid = r.grid_code
      GROUP BY u.k
    ) x USING (k);
    SELECT coalesce(sum(total), 0) INTO ht FROM grid_month WHERE grid = r.grid_code AND month = ANY(prior);
    IF i IS NOT NULL THEN c[i] := s; END IF;
    INSERT INTO grid_month (month, grid, counts, total, history, history_total) VALUES (m, r.grid_code, c, s, h, ht);
  END IF;
  IF i IS NULL THEN
    UPDATE grid_month SET history_total = history_total + s WHERE month = ANY(later) AND grid = r.grid_code;
  ELSE
    UPDATE grid_month SET history[i] = history[i] + s, history_total = history_total + s
    WHERE month = ANY(later) AND grid = r.grid_code;
  END IF;
END
$$;--> statement-breakpoint
-- grid_month from the grids' month rows of incident_rollup, in one pass: an aggregate per category
-- index (a subquery per grid and month cost seconds on PGlite), then each row's history as window
-- sums over the grid's rows of the six months before (months with no row count 0). Months whose
-- count came back to 0 get no row.
CREATE OR REPLACE FUNCTION stats_grid_month_fill() RETURNS void LANGUAGE sql AS $$
  INSERT INTO grid_month (month, grid, counts, total, history, history_total)
  SELECT month, region, ARRAY[
      c1, c2, c3, c4, c5, c6,
      c7, c8, c9, c10, c11, c12,
      c13, c14, c15, c16, c17, c18,
      c19, c20, c21, c22, c23, c24,
      c25, c26, c27, c28, c29
    ]::int[], total, ARRAY[
      coalesce(sum(c1) OVER w, 0), coalesce(sum(c2) OVER w, 0), coalesce(sum(c3) OVER w, 0),
      coalesce(sum(c4) OVER w, 0), coalesce(sum(c5) OVER w, 0), coalesce(sum(c6) OVER w, 0),
      coalesce(sum(c7) OVER w, 0), coalesce(sum(c8) OVER w, 0), coalesce(sum(c9) OVER w, 0),
      coalesce(sum(c10) OVER w, 0), coalesce(sum(c11) OVER w, 0), coalesce(sum(c12) OVER w, 0),
      coalesce(sum(c13) OVER w, 0), coalesce(sum(c14) OVER w, 0), coalesce(sum(c15) OVER w, 0),
      coalesce(sum(c16) OVER w, 0), coalesce(sum(c17) OVER w, 0), coalesce(sum(c18) OVER w, 0),
      coalesce(sum(c19) OVER w, 0), coalesce(sum(c20) OVER w, 0), coalesce(sum(c21) OVER w, 0),
      coalesce(sum(c22) OVER w, 0), coalesce(sum(c23) OVER w, 0), coalesce(sum(c24) OVER w, 0),
      coalesce(sum(c25) OVER w, 0), coalesce(sum(c26) OVER w, 0), coalesce(sum(c27) OVER w, 0),
      coalesce(sum(c28) OVER w, 0), coalesce(sum(c29) OVER w, 0)
    ]::int[], coalesce(sum(total) OVER w, 0)
  FROM (
    SELECT start AS month, region,
      coalesce(sum(n) FILTER (WHERE i = 1), 0) AS c1, coalesce(sum(n) FILTER (WHERE i = 2), 0) AS c2, coalesce(sum(n) FILTER (WHERE i = 3), 0) AS c3,
      coalesce(sum(n) FILTER (WHERE i = 4), 0) AS c4, coalesce(sum(n) FILTER (WHERE i = 5), 0) AS c5, coalesce(sum(n) FILTER (WHERE i = 6), 0) AS c6,
      coalesce(sum(n) FILTER (WHERE i = 7), 0) AS c7, coalesce(sum(n) FILTER (WHERE i = 8), 0) AS c8, coalesce(sum(n) FILTER (WHERE i = 9), 0) AS c9,
      coalesce(sum(n) FILTER (WHERE i = 10), 0) AS c10, coalesce(sum(n) FILTER (WHERE i = 11), 0) AS c11, coalesce(sum(n) FILTER (WHERE i = 12), 0) AS c12,
      coalesce(sum(n) FILTER (WHERE i = 13), 0) AS c13, coalesce(sum(n) FILTER (WHERE i = 14), 0) AS c14, coalesce(sum(n) FILTER (WHERE i = 15), 0) AS c15,
      coalesce(sum(n) FILTER (WHERE i = 16), 0) AS c16, coalesce(sum(n) FILTER (WHERE i = 17), 0) AS c17, coalesce(sum(n) FILTER (WHERE i = 18), 0) AS c18,
      coalesce(sum(n) FILTER (WHERE i = 19), 0) AS c19, coalesce(sum(n) FILTER (WHERE i = 20), 0) AS c20, coalesce(sum(n) FILTER (WHERE i = 21), 0) AS c21,
      coalesce(sum(n) FILTER (WHERE i = 22), 0) AS c22, coalesce(sum(n) FILTER (WHERE i = 23), 0) AS c23, coalesce(sum(n) FILTER (WHERE i = 24), 0) AS c24,
      coalesce(sum(n) FILTER (WHERE i = 25), 0) AS c25, coalesce(sum(n) FILTER (WHERE i = 26), 0) AS c26, coalesce(sum(n) FILTER (WHERE i = 27), 0) AS c27,
      coalesce(sum(n) FILTER (WHERE i = 28), 0) AS c28, coalesce(sum(n) FILTER (WHERE i = 29), 0) AS c29,
      sum(n) FILTER (WHERE i = 0) AS total
    FROM (
      SELECT start, region, CASE WHEN dim = 'category' THEN stats_category_index(key) ELSE 0 END AS i,
        reported - cancelled AS n
      FROM incident_rollup
      WHERE grain = 'm' AND level = 3 AND dim IN ('-', 'category')
    ) x
    GROUP BY start, region
    HAVING sum(n) FILTER (WHERE i = 0) <> 0
  ) b
  WINDOW w AS (PARTITION BY region ORDER BY month
    RANGE BETWEEN make_interval(months => stats_history_months()) PRECEDING AND '1 day' PRECEDING)
  ORDER BY 1, 2
$$;--> statement-breakpoint
TRUNCATE grid_month;--> statement-breakpoint
SELECT stats_grid_month_fill();
