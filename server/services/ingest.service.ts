/**
 * Ingestion (issue 5): a batch of events is parsed item by item (a bad item is refused with its
 * index and the fields at fault; the good ones are kept), each event is located to its grid with
 * the spatial index (locator.service.ts), checked against the poster's region scope, and stored once per (source, id).
 *
 * Decided here: an event needs a location or a deviceId the hub knows (a camera, a community gate,
 * a facility's alarm button, a loudspeaker); given both, the location wins (a fence radar reports
 * where the intruder is, not where the radar stands). A point in no grid lies outside the city
 * and is refused; so is a point outside the key's region.
 *
 * One bad item never fails another device's post (issue 13): the group commit holds the events of
 * several requests, so when it fails on its data (a value PostgreSQL refuses that the schemas did
 * not foresee) each request is stored again on its own, and a failing one by halves, until the bad
 * item stands alone and is refused by name; every good event is stored. A transient failure (the
 * connection, a deadlock) fails the requests as before, so their senders try again.
 */
import type { Logger } from 'pino';
import type { EventRepository, NewEvent } from '../repositories/event.repository';
import { eventRow, type StoredEvent } from './stored-event';
import type { Clock } from '../core/clock';
import type { Db } from '../db/connect';
import type { AlarmService, PreparedRules } from './alarm.service';
import type { AlarmRow } from '../repositories/alarm.repository';
import type { IncidentRow } from '../repositories/incident.repository';
import type { PhotoRepository } from '../repositories/photo.repository';
import type { AuthContext } from '../auth/context';
import type { LocatorService, Places } from './locator.service';
import { authorize } from '../auth/policy';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import { inScope } from '@shared/auth';
import {
  eventInput,
  hubPhotoId,
  MAX_ATTRIBUTES_DEPTH,
  MAX_BATCH,
  type EventInput,
  type IngestReply,
  type ItemError,
} from '@shared/ingest';
import { formatPath, printable, unstorable } from '@shared/text';
import { dbErrorKind, dbMessage, sqlState } from '../db/errors';
import type { LonLat } from '@shared/world';
import { round6 } from '@shared/geo';

/**
 * Priority-1 alarms become incidents at once, inside the ingest commit (the incident command
 * service makes this; the composition root hands it to the ingest service).
 */
export interface AutoIncidents {
  /** Inside the commit: the incidents made from the alarms it raised, and the alarms changed with them. */
  fromAlarms(
    raised: AlarmRow[],
    events: StoredEvent[],
    tx: Db,
    prepared: PreparedRules,
  ): Promise<{ incidents: IncidentRow[]; alarms: AlarmRow[] }>;
  /** After the commit: announce them (a domain event). */
  published(rows: IncidentRow[]): Promise<unknown>;
}

export interface IngestOptions {
  /** Null: no automatic incidents (AUTO_INCIDENT_PRIORITY=0). */
  autoIncidents?: AutoIncidents | null;
  /** Each group commit's size and time (server/core/metrics.ts). */
  metrics?: { groupCommit(events: number, seconds: number): void } | null;
  /** Where the hub's photos come from, to check the ones events name (null: events may name none). */
  photos?: Pick<PhotoRepository, 'origins'> | null;
}

/** At most this many events go into one group commit (a bigger group only waits longer). */
const GROUP_MAX = 1_000;

/** The events of one request, row and located event side by side. */
interface Part {
  rows: NewEvent[];
  stored: StoredEvent[];
}

/** An event the database refused: its position in its request's `stored`, and why. */
interface Refusal {
  at: number;
  error: ItemError;
}

interface Stored {
  /** How many of the request's events were new. */
  accepted: number;
  /** Events the database refused on their data (found by storing the request again, by halves). */
  refused: Refusal[];
}

interface Waiting extends Part {
  resolve(result: Stored): void;
  reject(error: unknown): void;
}

export class IngestService {
  /**
   * Requests waiting for the next group commit. Commits run one after another in this hub, so
   * alarm revs commit in the order they were taken.
   */
  private queue: Waiting[] = [];
  private draining = false;
  private readonly autoIncidents: AutoIncidents | null;
  private readonly metrics: IngestOptions['metrics'];
  private readonly photos: IngestOptions['photos'];

  constructor(
    private readonly locator: Pick<LocatorService, 'index'>,
    private readonly events: EventRepository,
    private readonly alarms: AlarmService,
    private readonly transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: IngestOptions = {},
  ) {
    this.autoIncidents = options.autoIncidents ?? null;
    this.metrics = options.metrics ?? null;
    this.photos = options.photos ?? null;
  }

  /**
   * A POST body: one event, or `{events: [...]}`. A single event that is not valid is a 400 naming
   * the field (nothing good to keep); a batch keeps its good items and lists the bad ones.
   */
  async ingestBody(ctx: AuthContext, body: unknown): Promise<IngestReply> {
    authorize(ctx.principal, 'ingest:write');
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        'body: must be one event (an object) or a batch {"events": [...]}',
      );
    }
    const b = body as Record<string, unknown>;
    if ('events' in b) {
      const extra = Object.keys(b).filter((k) => k !== 'events');
      if (extra.length)
        throw new HttpError(
          400,
          ErrorCode.RequestInvalid,
          `body: unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} beside "events"`,
        );
      if (!Array.isArray(b.events))
        throw new HttpError(400, ErrorCode.RequestInvalid, 'body.events: must be an array of events');
      if (b.events.length === 0)
        throw new HttpError(400, ErrorCode.RequestInvalid, 'body.events: must hold at least one event');
      if (b.events.length > MAX_BATCH)
        throw new HttpError(
          413,
          ErrorCode.RequestTooLarge,
          `body.events: at most ${MAX_BATCH} events per batch (got ${b.events.length})`,
        );
      return this.ingest(ctx, b.events);
    }
    const reply = await this.ingest(ctx, [b]);
    const bad = reply.rejected[0];
    if (bad) {
      const inBody = (path: string) => (path === '(event)' ? 'body' : `body.${path}`);
      const first = bad.errors[0]!;
      throw new HttpError(400, ErrorCode.RequestInvalid, `${inBody(first.path)}: ${first.message}`, {
        issues: bad.errors.map((e) => ({ ...e, path: inBody(e.path) })),
      });
    }
    return reply;
  }

  /** Parse, locate, scope-check and store a list of raw items (HTTP batch, or MQTT messages). */
  async ingest(ctx: AuthContext, items: readonly unknown[]): Promise<IngestReply> {
    authorize(ctx.principal, 'ingest:write');
    const places = await this.locator.index();
    const receivedAt = new Date(this.clock.now());
    const rejected: IngestReply['rejected'] = [];
    const stored: StoredEvent[] = [];
    /** The item index of each stored event (a refusal by the database names it). */
    const indexOf: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    items.forEach((raw, index) => {
      const parsed = eventInput.safeParse(raw);
      if (!parsed.success) {
        rejected.push({ index, errors: parsed.error.issues.map(issueToError) });
        return;
      }
      const e = parsed.data;
      const placed = this.place(places, e);
      if ('error' in placed) {
        rejected.push({ index, errors: [placed.error] });
        return;
      }
      if (!inScope(ctx.principal.scope, placed.gridCode)) {
        rejected.push({
          index,
          errors: [
            {
              path: e.location ? 'location' : 'deviceId',
              message: `lies in grid ${placed.gridCode}, outside this key's region ${ctx.principal.scope}`,
            },
          ],
        });
        return;
      }
      const key = `${e.source}\u0000${e.id}`;
      if (seen.has(key)) {
        duplicates++;
        return;
      }
      seen.add(key);
      stored.push({ ...e, gridCode: placed.gridCode, lon: placed.position[0], lat: placed.position[1] });
      indexOf.push(index);
    });
    await this.checkPhotos(ctx, stored, indexOf, rejected);
    if (stored.length === 0) return { accepted: 0, duplicates, rejected };
    const { accepted, refused } = await this.store(
      stored.map((e) => eventRow(e, receivedAt, ctx.principal.id)),
      stored,
    );
    if (refused.length > 0) {
      for (const r of refused) rejected.push({ index: indexOf[r.at]!, errors: [r.error] });
      rejected.sort((a, b) => a.index - b.index);
    }
    return { accepted, duplicates: duplicates + stored.length - accepted - refused.length, rejected };
  }

  /**
   * A hub photo an event names (`/api/v1/photos/<id>`) is an object the event touches: it must be
   * the caller's own upload, or a device's picture taken inside the caller's scope. Otherwise the
   * event is refused, naming the field, with the same words whether the photo is elsewhere or
   * nowhere: an alarm, and the incident made of it, would show the picture to the alarm's region.
   * One query per request, only when some event names one. Refused events leave `stored`.
   */
  private async checkPhotos(
    ctx: AuthContext,
    stored: StoredEvent[],
    indexOf: number[],
    rejected: IngestReply['rejected'],
  ): Promise<void> {
    const named = stored.flatMap((e) => (e.media ?? []).flatMap((m) => hubPhotoId(m.url) ?? []));
    if (named.length === 0) return;
    const origins = this.photos ? await this.photos.origins([...new Set(named.map((id) => id.toLowerCase()))]) : null;
    const usable = (id: string): boolean => {
      const o = origins?.get(id.toLowerCase());
      return !!o && (o.by === ctx.principal.id || (o.gridCode !== null && inScope(ctx.principal.scope, o.gridCode)));
    };
    for (let i = stored.length - 1; i >= 0; i--) {
      const errors = (stored[i]!.media ?? []).flatMap((m, j) => {
        const id = hubPhotoId(m.url);
        return id && !usable(id)
          ? [{ path: `media.${j}.url`, message: 'names no photo this key may show (its own, or taken in its region)' }]
          : [];
      });
      if (errors.length === 0) continue;
      rejected.push({ index: indexOf[i]!, errors });
      stored.splice(i, 1);
      indexOf.splice(i, 1);
    }
    rejected.sort((a, b) => a.index - b.index);
  }

  /**
   * Persist, then publish, in group commits: the events of every request waiting when a commit
   * starts go into one transaction with the alarms they raise (up to GROUP_MAX events), and only
   * after it commits do the alarms go out. Under load this turns many small posts into a few big
   * inserts (per-statement cost dominates on PGlite); when idle a request commits alone at once.
   * Resolves with how many of this request's events were new (a duplicate is not inserted and
   * raises nothing; within a group the first request to carry an id gets it) and which the
   * database refused.
   */
  private store(rows: NewEvent[], stored: StoredEvent[]): Promise<Stored> {
    return new Promise<Stored>((resolve, reject) => {
      this.queue.push({ rows, stored, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Let the requests whose bytes have already arrived reach the queue first: PGlite answers
        // in microtasks, so without this turn of the event loop every commit would hold one request.
        await new Promise((r) => setImmediate(r));
        const group: Waiting[] = [];
        let size = 0;
        while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0]!.rows.length <= GROUP_MAX)) {
          const w = this.queue.shift()!;
          group.push(w);
          size += w.rows.length;
        }
        let failed: unknown;
        try {
          const counts = await this.commit(group);
          group.forEach((w, i) => w.resolve({ accepted: counts[i]!, refused: [] }));
          continue;
        } catch (e) {
          failed = e;
        }
        if (dbErrorKind(failed) === 'transient') {
          // The database is away or busy: nothing is wrong with the events, their senders try again.
          for (const w of group) w.reject(failed);
          continue;
        }
        this.log.warn(
          { sqlState: sqlState(failed), reason: printable(dbMessage(failed)), requests: group.length, events: size },
          'ingest: a group commit failed on its data; storing its requests one by one',
        );
        for (const w of group) {
          const refused: Refusal[] = [];
          try {
            // A group of one already failed alone: go straight to its halves.
            const accepted = await this.storeRange(
              w,
              0,
              w.rows.length,
              refused,
              group.length === 1 ? failed : undefined,
            );
            w.resolve({ accepted, refused });
          } catch (e) {
            w.reject(e);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * One transaction for these parts: insert the new events, raise their alarms (and priority-1
   * incidents), commit, then publish. Returns how many events of each part were new.
   */
  private async commit(parts: readonly Part[]): Promise<number[]> {
    const prepared = await this.alarms.prepare();
    const t0 = performance.now();
    const { counts, raised, incidents } = await this.transact(async (tx) => {
      const inserted = await this.events.insertNew(
        parts.flatMap((w) => w.rows),
        tx,
      );
      const unclaimed = new Set(inserted.map((k) => `${k.source}\u0000${k.id}`));
      const news: StoredEvent[] = [];
      const counts = parts.map((w) => {
        let n = 0;
        for (const e of w.stored) {
          if (unclaimed.delete(`${e.source}\u0000${e.id}`)) {
            news.push(e);
            n++;
          }
        }
        return n;
      });
      const { raised, folded } = await this.alarms.raise(news, tx, prepared);
      // Priority-1 alarms become incidents at once, in the same transaction (never one without the
      // other); a repeat folded into an open alarm makes none (issue 15: one incident per flood).
      const auto = this.autoIncidents
        ? await this.autoIncidents.fromAlarms(raised, news, tx, prepared)
        : { incidents: [], alarms: [] };
      return { counts, raised: [...raised, ...folded, ...auto.alarms], incidents: auto.incidents };
    });
    this.metrics?.groupCommit(
      parts.reduce((n, w) => n + w.rows.length, 0),
      (performance.now() - t0) / 1000,
    );
    this.alarms.published(raised);
    if (incidents.length) void this.autoIncidents?.published(incidents);
    return counts;
  }

  /**
   * Store events [from, to) of one request in their own transaction. On a data error the range is
   * split in halves until the bad event stands alone: it is refused, every other one is stored
   * (about 2·log2(n) transactions for one bad event among n). Any other error is thrown: a
   * transient one fails the request so its sender tries again; a fault of the hub is a 500.
   * `failed`: this range already failed with that error (do not try it whole again).
   */
  private async storeRange(w: Part, from: number, to: number, refused: Refusal[], failed?: unknown): Promise<number> {
    if (failed === undefined) {
      try {
        return (await this.commit([{ rows: w.rows.slice(from, to), stored: w.stored.slice(from, to) }]))[0]!;
      } catch (e) {
        failed = e;
      }
    }
    if (dbErrorKind(failed) !== 'data') throw failed;
    if (to - from === 1) {
      refused.push({ at: from, error: refusalOf(failed, w.stored[from]!) });
      return 0;
    }
    const mid = (from + to) >>> 1;
    return (await this.storeRange(w, from, mid, refused)) + (await this.storeRange(w, mid, to, refused));
  }

  private place(places: Places, e: EventInput): { gridCode: string; position: LonLat } | { error: ItemError } {
    if (e.location) {
      // Kept to 1e-6° (about 0.1 m: finer than any device locates itself), so the figures a screen
      // is sent are short.
      const position: LonLat = [round6(e.location.lon), round6(e.location.lat)];
      const gridCode = places.grids.locate(position);
      if (!gridCode)
        return {
          error: {
            path: 'location',
            message: `(${e.location.lon}, ${e.location.lat}) lies outside the city (no grid contains it)`,
          },
        };
      return { gridCode, position };
    }
    const device = places.devices.get(e.deviceId!);
    if (!device)
      return {
        error: {
          path: 'deviceId',
          message: `unknown device ${JSON.stringify(e.deviceId)} and no location: give a location`,
        },
      };
    return device;
  }
}

/**
 * What to tell the sender of an event the database refused: the field, when it can be told (a
 * string the schemas let through, a time out of PostgreSQL's range), and the database's reason.
 */
function refusalOf(e: unknown, event: StoredEvent): ItemError {
  const bad = unstorable(event, { maxDepth: MAX_ATTRIBUTES_DEPTH + 2 });
  if (bad) return { path: formatPath('', bad.path), message: bad.message };
  const code = sqlState(e);
  const path = code === '22007' || code === '22008' ? 'at' : '(event)';
  return { path, message: `cannot be stored: ${printable(dbMessage(e))}` };
}

function issueToError(i: { path: PropertyKey[]; message: string; code: string; keys?: string[] }): ItemError {
  const path = formatPath('', i.path) || '(event)';
  if (i.code === 'unrecognized_keys')
    return {
      path,
      message: `unknown field${(i.keys?.length ?? 0) > 1 ? 's' : ''} ${(i.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}`,
    };
  return { path, message: i.message };
}
