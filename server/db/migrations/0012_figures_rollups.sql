CREATE TABLE "alarm_rollup" (
	"grain" text NOT NULL,
	"start" date NOT NULL,
	"level" smallint NOT NULL,
	"region" text COLLATE "C" NOT NULL,
	"priority" smallint NOT NULL,
	"source" text NOT NULL,
	"raised" integer DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"false_alarms" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"incidents" integer DEFAULT 0 NOT NULL,
	"acknowledged" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "alarm_rollup_grain_level_start_region_priority_source_pk" PRIMARY KEY("grain","level","start","region","priority","source")
);
--> statement-breakpoint
CREATE TABLE "incident_rollup" (
	"grain" text NOT NULL,
	"start" date NOT NULL,
	"level" smallint NOT NULL,
	"region" text COLLATE "C" NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"reported" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"escalated" integer DEFAULT 0 NOT NULL,
	"supervised" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"disputes" integer DEFAULT 0 NOT NULL,
	"disputes_closed" integer DEFAULT 0 NOT NULL,
	"disputes_agreed" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"rated_good" integer DEFAULT 0 NOT NULL,
	"verified" integer DEFAULT 0 NOT NULL,
	"rejections" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"accept_n" integer DEFAULT 0 NOT NULL,
	"accept_sum" double precision DEFAULT 0 NOT NULL,
	"queue_n" integer DEFAULT 0 NOT NULL,
	"queue_sum" double precision DEFAULT 0 NOT NULL,
	"unit_accept_n" integer DEFAULT 0 NOT NULL,
	"unit_accept_sum" double precision DEFAULT 0 NOT NULL,
	"travel_n" integer DEFAULT 0 NOT NULL,
	"travel_sum" double precision DEFAULT 0 NOT NULL,
	"response_n" integer DEFAULT 0 NOT NULL,
	"response_sum" double precision DEFAULT 0 NOT NULL,
	"resolve_n" integer DEFAULT 0 NOT NULL,
	"resolve_sum" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "incident_rollup_grain_level_start_region_dim_key_pk" PRIMARY KEY("grain","level","start","region","dim","key")
);
--> statement-breakpoint
CREATE TABLE "incident_rollup_hist" (
	"grain" text NOT NULL,
	"start" date NOT NULL,
	"level" smallint NOT NULL,
	"region" text COLLATE "C" NOT NULL,
	"measure" smallint NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "incident_rollup_hist_grain_level_start_region_measure_bucket_pk" PRIMARY KEY("grain","level","start","region","measure","bucket")
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "rejections" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolve_due_at" timestamp with time zone;--> statement-breakpoint
--> statement-breakpoint
-- Backfill the figure columns of incidents written before them: from the timeline, and the resolve
-- deadline from the stored SLA policy (a category's own minutes, else its priority's).
UPDATE "incidents" i SET
  "accepted_at" = (SELECT min(t."at") FROM "incident_timeline" t WHERE t."incident_id" = i."id" AND t."action" = 'accept'),
  "verified_at" = (SELECT max(t."at") FROM "incident_timeline" t WHERE t."incident_id" = i."id" AND t."action" = 'verify'),
  "rejections" = (SELECT count(*) FROM "incident_timeline" t WHERE t."incident_id" = i."id" AND t."action" = 'reject'),
  "resolve_due_at" = i."created_at" + make_interval(mins => coalesce(
    (SELECT (m."value"->'byCategory'->i."category"->>'resolve')::int FROM "app_meta" m WHERE m."key" = 'sla_policy'),
    (SELECT (m."value"->'byPriority'->(least(4, greatest(1, i."priority")))::text->>'resolve')::int FROM "app_meta" m WHERE m."key" = 'sla_policy'),
    (ARRAY[120, 480, 1440, 4320])[least(4, greatest(1, i."priority"))]
  ));--> statement-breakpoint
-- A local day (UTC+8, no DST: no time-zone data needed).
CREATE FUNCTION stats_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((t AT TIME ZONE 'UTC') + interval '8 hours')::date
$$;--> statement-breakpoint
-- Minutes into a histogram bucket: whole minutes below 1 h, 5 min to 4 h, 30 min to 2 days, a day to 92 days.
CREATE FUNCTION stats_bucket(m double precision) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE
    WHEN m < 60 THEN floor(greatest(m, 0))
    WHEN m < 240 THEN 60 + floor((m - 60) / 5)
    WHEN m < 2880 THEN 96 + floor((m - 240) / 30)
    ELSE 184 + least(floor((m - 2880) / 1440), 89)
  END)::smallint
$$;--> statement-breakpoint
-- The region codes a grid counts in, one per level: 0 city (its first 4 digits + 00), 1 district, 2 street, 3 grid.
CREATE FUNCTION stats_regions(grid text) RETURNS TABLE(level smallint, region text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES (0::smallint, left(grid, 4) || '00'), (1::smallint, left(grid, 6)), (2::smallint, left(grid, 9)), (3::smallint, grid)
$$;--> statement-breakpoint
CREATE FUNCTION stats_minutes(a timestamptz, b timestamptz) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL OR b IS NULL OR b < a THEN NULL ELSE extract(epoch FROM b - a) / 60 END
$$;--> statement-breakpoint
-- The dimensions an incident's sums are kept by, one row each: none ('-'), its category, source, unit kind.
CREATE FUNCTION stats_dims(category text, source text, unit_kind text) RETURNS TABLE(dim text, key text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  VALUES ('-', ''), ('category', category), ('source', source), ('unit_kind', unit_kind)
$$;--> statement-breakpoint
-- What the incident rollup keeps: the city and districts by day and month by every dimension;
-- streets by day and month by none; grids by month by none and category.
CREATE FUNCTION stats_kept(level smallint, grain text, dim text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT level <= 1 OR (level = 2 AND dim = '-') OR (level = 3 AND grain = 'm' AND dim IN ('-', 'category'))
$$;--> statement-breakpoint
-- Every incident figure, defined once (shared/stats.ts says what each means): what one incident row
-- adds, keyed by the local day it counts on. Merged reports add nothing (the incident they went into counts).
CREATE FUNCTION stats_incident_facts(r incidents) RETURNS TABLE(
  day date, category text, source text, unit_kind text,
  reported int, cancelled int, escalated int, supervised int, resolved int, closed int,
  disputes int, disputes_closed int, disputes_agreed int, rated int, rated_good int, verified int, rejections int,
  on_time int, late int,
  accept_n int, accept_sum float8, queue_n int, queue_sum float8, unit_accept_n int, unit_accept_sum float8,
  travel_n int, travel_sum float8, response_n int, response_sum float8, resolve_n int, resolve_sum float8
) LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT stats_minutes(r.created_at, r.accepted_at) AS accept,
           stats_minutes(r.created_at, r.first_dispatched_at) AS queue,
           stats_minutes(r.dispatched_at, r.unit_accepted_at) AS unit_accept,
           stats_minutes(r.unit_accepted_at, r.arrived_at) AS travel,
           stats_minutes(r.created_at, r.arrived_at) AS response,
           stats_minutes(r.created_at, r.resolved_at) AS resolve,
           coalesce(r.assignments->0->>'kind', 'none') AS unit_kind
  )
  SELECT stats_day(r.created_at), r.category, r.source, m.unit_kind,
    1, (r.status = 'cancelled')::int, (r.escalations > 0)::int,
    coalesce((r.dispute->>'supervised')::boolean, false)::int,
    (r.resolved_at IS NOT NULL)::int, (r.status = 'closed')::int,
    (r.kind = 'dispute')::int, (r.kind = 'dispute' AND r.status = 'closed')::int,
    coalesce(r.kind = 'dispute' AND r.status = 'closed' AND r.dispute->>'outcome' = 'agreed', false)::int,
    (r.rating IS NOT NULL)::int, coalesce(r.rating >= 4, false)::int, (r.verified_at IS NOT NULL)::int, r.rejections,
    0, 0,
    (m.accept IS NOT NULL)::int, coalesce(m.accept, 0), (m.queue IS NOT NULL)::int, coalesce(m.queue, 0),
    (m.unit_accept IS NOT NULL)::int, coalesce(m.unit_accept, 0), (m.travel IS NOT NULL)::int, coalesce(m.travel, 0),
    (m.response IS NOT NULL)::int, coalesce(m.response, 0), (m.resolve IS NOT NULL)::int, coalesce(m.resolve, 0)
  FROM m WHERE r.status <> 'merged'
  UNION ALL
  -- 按期办结: counted on the resolve deadline's day once resolved (the open ones past it are read live).
  SELECT stats_day(r.resolve_due_at), r.category, r.source, m.unit_kind,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    (r.resolved_at <= r.resolve_due_at)::int, (r.resolved_at > r.resolve_due_at)::int,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM m WHERE r.status NOT IN ('merged', 'cancelled') AND r.resolve_due_at IS NOT NULL AND r.resolved_at IS NOT NULL
$$;--> statement-breakpoint
-- The stage times for the percentiles, measure as shared/stats.ts TIME_MEASURES (0 accept … 5 resolve).
CREATE FUNCTION stats_incident_times(r incidents) RETURNS TABLE(day date, measure smallint, bucket smallint)
LANGUAGE sql STABLE AS $$
  SELECT stats_day(r.created_at), x.measure, stats_bucket(x.minutes)
  FROM (VALUES
    (0::smallint, stats_minutes(r.created_at, r.accepted_at)),
    (1::smallint, stats_minutes(r.created_at, r.first_dispatched_at)),
    (2::smallint, stats_minutes(r.dispatched_at, r.unit_accepted_at)),
    (3::smallint, stats_minutes(r.unit_accepted_at, r.arrived_at)),
    (4::smallint, stats_minutes(r.created_at, r.arrived_at)),
    (5::smallint, stats_minutes(r.created_at, r.resolved_at))
  ) x(measure, minutes)
  WHERE r.status <> 'merged' AND x.minutes IS NOT NULL
$$;--> statement-breakpoint
-- Every alarm figure: by the local day it was raised, its priority and the source of its event.
CREATE FUNCTION stats_alarm_facts(a alarms) RETURNS TABLE(
  day date, priority smallint, source text, raised int, events int, false_alarms int, expired int, incidents int, acknowledged int
) LANGUAGE sql IMMUTABLE AS $$
  SELECT stats_day(a.created_at), a.priority::smallint, a.event_source, 1, a.count,
    (a.status = 'false_alarm')::int, (a.status = 'expired')::int, (a.status = 'incident')::int, (a.status = 'acknowledged')::int
$$;--> statement-breakpoint
-- Add (sign 1) or take back (sign -1) what one incident contributes, where stats_kept() says; time
-- histograms for the city and the district, by day and month.
CREATE FUNCTION stats_apply_incident(r incidents, s int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_rollup AS t
  SELECT g.grain, CASE g.grain WHEN 'd' THEN f.day ELSE date_trunc('month', f.day)::date END, l.level, l.region,
    d.dim, d.key,
    s * sum(f.reported), s * sum(f.cancelled), s * sum(f.escalated), s * sum(f.supervised), s * sum(f.resolved),
    s * sum(f.closed), s * sum(f.disputes), s * sum(f.disputes_closed), s * sum(f.disputes_agreed), s * sum(f.rated),
    s * sum(f.rated_good), s * sum(f.verified), s * sum(f.rejections), s * sum(f.on_time), s * sum(f.late),
    s * sum(f.accept_n), s * sum(f.accept_sum), s * sum(f.queue_n), s * sum(f.queue_sum),
    s * sum(f.unit_accept_n), s * sum(f.unit_accept_sum), s * sum(f.travel_n), s * sum(f.travel_sum),
    s * sum(f.response_n), s * sum(f.response_sum), s * sum(f.resolve_n), s * sum(f.resolve_sum)
  FROM stats_incident_facts(r) f CROSS JOIN stats_regions(r.grid_code) l CROSS JOIN (VALUES ('d'), ('m')) g(grain)
    CROSS JOIN LATERAL stats_dims(f.category, f.source, f.unit_kind) d
  WHERE stats_kept(l.level, g.grain, d.dim)
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (grain, level, start, region, dim, key) DO UPDATE SET
    reported = t.reported + excluded.reported, cancelled = t.cancelled + excluded.cancelled,
    escalated = t.escalated + excluded.escalated, supervised = t.supervised + excluded.supervised,
    resolved = t.resolved + excluded.resolved, closed = t.closed + excluded.closed,
    disputes = t.disputes + excluded.disputes, disputes_closed = t.disputes_closed + excluded.disputes_closed,
    disputes_agreed = t.disputes_agreed + excluded.disputes_agreed, rated = t.rated + excluded.rated,
    rated_good = t.rated_good + excluded.rated_good, verified = t.verified + excluded.verified,
    rejections = t.rejections + excluded.rejections, on_time = t.on_time + excluded.on_time, late = t.late + excluded.late,
    accept_n = t.accept_n + excluded.accept_n, accept_sum = t.accept_sum + excluded.accept_sum,
    queue_n = t.queue_n + excluded.queue_n, queue_sum = t.queue_sum + excluded.queue_sum,
    unit_accept_n = t.unit_accept_n + excluded.unit_accept_n, unit_accept_sum = t.unit_accept_sum + excluded.unit_accept_sum,
    travel_n = t.travel_n + excluded.travel_n, travel_sum = t.travel_sum + excluded.travel_sum,
    response_n = t.response_n + excluded.response_n, response_sum = t.response_sum + excluded.response_sum,
    resolve_n = t.resolve_n + excluded.resolve_n, resolve_sum = t.resolve_sum + excluded.resolve_sum;
  INSERT INTO incident_rollup_hist AS t
  SELECT g.grain, CASE g.grain WHEN 'd' THEN x.day ELSE date_trunc('month', x.day)::date END, l.level, l.region,
    x.measure, x.bucket, s * count(*)
  FROM stats_incident_times(r) x CROSS JOIN stats_regions(r.grid_code) l CROSS JOIN (VALUES ('d'), ('m')) g(grain)
  WHERE l.level < 2
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (grain, level, start, region, measure, bucket) DO UPDATE SET n = t.n + excluded.n;
END
$$;--> statement-breakpoint
CREATE FUNCTION stats_apply_alarm(a alarms, s int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO alarm_rollup AS t
  SELECT g.grain, CASE g.grain WHEN 'd' THEN f.day ELSE date_trunc('month', f.day)::date END, l.level, l.region,
    f.priority, f.source, s * f.raised, s * f.events, s * f.false_alarms, s * f.expired, s * f.incidents, s * f.acknowledged
  FROM stats_alarm_facts(a) f CROSS JOIN stats_regions(a.grid_code) l CROSS JOIN (VALUES ('d'), ('m')) g(grain)
  WHERE l.level < 3 OR g.grain = 'm'
  ON CONFLICT (grain, level, start, region, priority, source) DO UPDATE SET
    raised = t.raised + excluded.raised, events = t.events + excluded.events,
    false_alarms = t.false_alarms + excluded.false_alarms, expired = t.expired + excluded.expired,
    incidents = t.incidents + excluded.incidents, acknowledged = t.acknowledged + excluded.acknowledged;
END
$$;--> statement-breakpoint
-- Keep the rollups current in the writer's own transaction, whichever hub or path writes. A bulk
-- load sets stats.bulk = 'on' for its transaction and calls stats_rebuild() after.
CREATE FUNCTION stats_incident_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('stats.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND (OLD.status, OLD.category, OLD.source, OLD.grid_code, OLD.kind, OLD.escalations, OLD.dispute->'supervised',
      OLD.dispute->'outcome', OLD.rating, OLD.rejections, OLD.accepted_at, OLD.first_dispatched_at, OLD.dispatched_at,
      OLD.unit_accepted_at, OLD.arrived_at, OLD.resolved_at, OLD.verified_at, OLD.resolve_due_at, OLD.created_at,
      OLD.assignments->0->'kind')
    IS NOT DISTINCT FROM (NEW.status, NEW.category, NEW.source, NEW.grid_code, NEW.kind, NEW.escalations, NEW.dispute->'supervised',
      NEW.dispute->'outcome', NEW.rating, NEW.rejections, NEW.accepted_at, NEW.first_dispatched_at, NEW.dispatched_at,
      NEW.unit_accepted_at, NEW.arrived_at, NEW.resolved_at, NEW.verified_at, NEW.resolve_due_at, NEW.created_at,
      NEW.assignments->0->'kind') THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_apply_incident(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM stats_apply_incident(NEW, 1); END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION stats_alarm_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('stats.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND (OLD.status, OLD.count, OLD.priority, OLD.event_source, OLD.grid_code, OLD.created_at)
      IS NOT DISTINCT FROM (NEW.status, NEW.count, NEW.priority, NEW.event_source, NEW.grid_code, NEW.created_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_apply_alarm(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM stats_apply_alarm(NEW, 1); END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER incidents_stats AFTER INSERT OR UPDATE OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION stats_incident_trigger();--> statement-breakpoint
CREATE TRIGGER alarms_stats AFTER INSERT OR UPDATE OR DELETE ON alarms FOR EACH ROW EXECUTE FUNCTION stats_alarm_trigger();--> statement-breakpoint
-- Recompute every rollup from the rows, set-wise (after a bulk load, or to check the triggers).
CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_rollup;
  DELETE FROM incident_rollup_hist;
  DELETE FROM alarm_rollup;
  INSERT INTO incident_rollup
  SELECT g.grain, CASE g.grain WHEN 'd' THEN f.day ELSE date_trunc('month', f.day)::date END, l.level, l.region,
    d.dim, d.key,
    sum(f.reported), sum(f.cancelled), sum(f.escalated), sum(f.supervised), sum(f.resolved), sum(f.closed),
    sum(f.disputes), sum(f.disputes_closed), sum(f.disputes_agreed), sum(f.rated), sum(f.rated_good), sum(f.verified),
    sum(f.rejections), sum(f.on_time), sum(f.late),
    sum(f.accept_n), sum(f.accept_sum), sum(f.queue_n), sum(f.queue_sum), sum(f.unit_accept_n), sum(f.unit_accept_sum),
    sum(f.travel_n), sum(f.travel_sum), sum(f.response_n), sum(f.response_sum), sum(f.resolve_n), sum(f.resolve_sum)
  FROM incidents r CROSS JOIN LATERAL stats_incident_facts(r) f CROSS JOIN LATERAL stats_regions(r.grid_code) l
    CROSS JOIN (VALUES ('d'), ('m')) g(grain) CROSS JOIN LATERAL stats_dims(f.category, f.source, f.unit_kind) d
  WHERE stats_kept(l.level, g.grain, d.dim)
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 3, 2, 4, 5, 6;
  INSERT INTO incident_rollup_hist
  SELECT g.grain, CASE g.grain WHEN 'd' THEN x.day ELSE date_trunc('month', x.day)::date END, l.level, l.region,
    x.measure, x.bucket, count(*)
  FROM incidents r CROSS JOIN LATERAL stats_incident_times(r) x CROSS JOIN LATERAL stats_regions(r.grid_code) l
    CROSS JOIN (VALUES ('d'), ('m')) g(grain)
  WHERE l.level < 2
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 3, 2, 4, 5, 6;
  INSERT INTO alarm_rollup
  SELECT g.grain, CASE g.grain WHEN 'd' THEN f.day ELSE date_trunc('month', f.day)::date END, l.level, l.region,
    f.priority, f.source, sum(f.raised), sum(f.events), sum(f.false_alarms), sum(f.expired), sum(f.incidents), sum(f.acknowledged)
  FROM alarms a CROSS JOIN LATERAL stats_alarm_facts(a) f CROSS JOIN LATERAL stats_regions(a.grid_code) l
    CROSS JOIN (VALUES ('d'), ('m')) g(grain)
  WHERE l.level < 3 OR g.grain = 'm'
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 3, 2, 4, 5, 6;
END
$$;--> statement-breakpoint
SELECT stats_rebuild();--> statement-breakpoint
CREATE INDEX "incidents_resolve_due_open_idx" ON "incidents" USING btree ("resolve_due_at") WHERE "resolved_at" IS NULL AND "status" NOT IN ('closed', 'merged', 'cancelled');--> statement-breakpoint
CREATE INDEX "alarms_street_created_idx" ON "alarms" USING btree (left("grid_code", 9),"created_at");
