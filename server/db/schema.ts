/**
 * The database schema (Drizzle, PostgreSQL dialect: the same on PGlite and a PostgreSQL server).
 * Migrations in server/db/migrations are generated from this file by `npm run db:generate`
 * and committed; they are applied at start (server/db/migrate.ts).
 *
 * Geometry is kept as JSON coordinates plus plain lon/lat columns: PGlite ships no PostGIS, and
 * the hub answers spatial questions from in-memory indexes built from these rows.
 */
import {
  type AnyPgColumn,
  bigint,
  customType,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  check,
  uniqueIndex,
  smallint,
  date,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { BasemapGeometry, LineString, MultiPolygon, Polygon, ZoneShape } from '@shared/world';
import type { RiskFactor } from '@shared/hub-text';
import type { WallPresetBody } from '@shared/wall';
import type { MajorEventDefinition } from '@shared/major-events';
import type { DeviceConfig } from '@shared/devices';
import type { MediaKind } from '@shared/ingest';

/** Bytes (bytea) as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** Key/value facts about this database: the ownership marker and the demo world's provenance. */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const regions = pgTable(
  'regions',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code').references((): AnyPgColumn => regions.code),
    level: text('level', { enum: ['city', 'district', 'street', 'community', 'grid'] }).notNull(),
    name: text('name').notNull(),
    boundary: jsonb('boundary').$type<MultiPolygon>().notNull(),
    centerLon: doublePrecision('center_lon').notNull(),
    centerLat: doublePrecision('center_lat').notNull(),
  },
  (t) => [
    index('regions_parent_idx').on(t.parentCode),
    index('regions_level_idx').on(t.level),
    check('regions_level_check', sql`${t.level} in ('city','district','street','community','grid')`),
  ],
);

export const cameras = pgTable(
  'cameras',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['city_hd', 'ai', 'social', 'community', 'railway'] }).notNull(),
    status: text('status', { enum: ['online', 'offline', 'alarming'] }).notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    heading: real('heading').notNull(),
    fov: real('fov').notNull(),
    rangeM: real('range_m').notNull(),
    /** Null for a camera whose stream is not connected to the platform. */
    streamUrl: text('stream_url'),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
  },
  (t) => [index('cameras_grid_idx').on(t.gridCode)],
);

export const zones = pgTable(
  'zones',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['key_person', 'landmark', 'hospital', 'school', 'community', 'railway'] }).notNull(),
    shape: jsonb('shape').$type<ZoneShape>().notNull(),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
    railwayId: text('railway_id').references(() => railways.id),
  },
  (t) => [index('zones_grid_idx').on(t.gridCode), index('zones_kind_idx').on(t.kind)],
);

export const railways = pgTable('railways', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  line: jsonb('line').$type<LineString>().notNull(),
});

export const speakers = pgTable(
  'speakers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    railwayId: text('railway_id')
      .notNull()
      .references(() => railways.id),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    chainageM: doublePrecision('chainage_m').notNull(),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
  },
  (t) => [index('speakers_railway_idx').on(t.railwayId)],
);

export const smartCommunities = pgTable(
  'smart_communities',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    boundary: jsonb('boundary').$type<Polygon>().notNull(),
    centerLon: doublePrecision('center_lon').notNull(),
    centerLat: doublePrecision('center_lat').notNull(),
    households: integer('households').notNull(),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
  },
  (t) => [index('smart_communities_grid_idx').on(t.gridCode)],
);

export const gates = pgTable(
  'gates',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => smartCommunities.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['pedestrian', 'vehicle'] }).notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
  },
  (t) => [index('gates_community_idx').on(t.communityId)],
);

/**
 * Registered residents of the smart communities (shared/world.ts Resident). `registeredAt` is when
 * the hub learned of them (the seed time for the demo city): a living-alone resident with no
 * access event at all is counted absent from then (server/rules/rules.ts: overdueResidents).
 */
export const residents = pgTable(
  'residents',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => smartCommunities.id),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
    /** Masked (张*华). */
    name: text('name').notNull(),
    livingAlone: boolean('living_alone').notNull().default(false),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('residents_community_idx').on(t.communityId),
    index('residents_living_alone_idx')
      .on(t.id)
      .where(sql`${t.livingAlone}`),
  ],
);

export const facilities = pgTable(
  'facilities',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['hospital', 'school', 'police_kiosk'] }).notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    gridCode: text('grid_code')
      .notNull()
      .references(() => regions.code),
  },
  (t) => [index('facilities_grid_idx').on(t.gridCode)],
);

export const units = pgTable(
  'units',
  {
    id: text('id').primaryKey(),
    callsign: text('callsign').notNull(),
    kind: text('kind', { enum: ['police', 'patrol_car', 'grid_worker', 'fire', 'medical', 'department'] }).notNull(),
    homeRegionCode: text('home_region_code')
      .notNull()
      .references(() => regions.code),
    status: text('status', { enum: ['available', 'busy', 'offline'] }).notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** A department crew's department (城管, 住建, …): the dispatch proposal matches it to the category's. */
    department: text('department'),
    /** The incident the unit is assigned to (busy) — null when free. */
    incidentId: text('incident_id'),
  },
  (t) => [index('units_home_region_idx').on(t.homeRegionCode), index('units_updated_idx').on(t.updatedAt)],
);

/**
 * Where each unit was (issue 15: trails on the map): one row per position report, kept for
 * UNIT_TRAIL_KEEP_MS and pruned by the hub's scheduler.
 */
export const unitPositions = pgTable(
  'unit_positions',
  {
    unitId: text('unit_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
  },
  (t) => [index('unit_positions_at_idx').on(t.at), index('unit_positions_unit_at_idx').on(t.unitId, t.at)],
);

/**
 * The built-in basemap of the demo city (water, roads, green space): drawn by the offline style
 * that the hub serves, so no request leaves the machine.
 */
export const basemapFeatures = pgTable(
  'basemap_features',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['water', 'road', 'green'] }).notNull(),
    /** Finer class within the kind: river / lake; motorway / primary / secondary; park. */
    class: text('class').notNull(),
    name: text('name'),
    geometry: jsonb('geometry').$type<BasemapGeometry>().notNull(),
  },
  (t) => [index('basemap_kind_idx').on(t.kind)],
);

// ---------------------------------------------------------------- identity and audit (issue 4)

/** People who sign in. Usernames are stored lower-case; scope is the region subtree they may see. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['admin', 'commander', 'dispatcher', 'field', 'wall', 'viewer'] }).notNull(),
    scope: text('scope')
      .notNull()
      .references(() => regions.code),
    passwordHash: text('password_hash').notNull(),
    /** Base32 TOTP secret once set up (pending until confirmed with a code). */
    totpSecret: text('totp_secret'),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    /** The last TOTP time step accepted: a code is good once (no replay within its window). */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    disabled: boolean('disabled').notNull().default(false),
    /** Seeded by the demo city: the hub refuses NODE_ENV=production while any exists. */
    demo: boolean('demo').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** A field user's unit (role field): the assignments they see and act on. */
    unitId: text('unit_id').references(() => units.id),
  },
  (t) => [uniqueIndex('users_username_idx').on(t.username)],
);

/**
 * Failed sign-ins per username (known or not, so a locked unknown name looks like a locked real
 * one): `failures` within the window starting at `windowStart`; `lockedUntil` once five are reached.
 */
export const loginThrottle = pgTable('login_throttle', {
  username: text('username').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * Device API keys (ingestion), wall display tokens and integration keys (another agency's system:
 * CAP and Open311, issue 18): only a SHA-256 of the secret is kept.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['device', 'wall', 'integration'] }).notNull(),
    name: text('name').notNull(),
    scope: text('scope')
      .notNull()
      .references(() => regions.code),
    /** The secret's first characters, to tell keys apart in lists. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('credentials_secret_idx').on(t.secretHash), index('credentials_kind_idx').on(t.kind)],
);

/**
 * Browser sessions: the cookie holds a random token, the table only its SHA-256. A session is a
 * user's (password sign-in) or a wall display's (its credential); ended ones stay for the record.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    kind: text('kind', { enum: ['password', 'wall'] }).notNull(),
    userId: text('user_id').references(() => users.id),
    credentialId: text('credential_id').references(() => credentials.id),
    csrfToken: text('csrf_token').notNull(),
    mfaPending: boolean('mfa_pending').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** The absolute end (12 h after sign-in); null for a wall display. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason'),
    address: text('address'),
    userAgent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('sessions_token_idx').on(t.tokenHash),
    index('sessions_user_idx').on(t.userId),
    index('sessions_credential_idx').on(t.credentialId),
  ],
);

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and hash-chained (see
 * server/audit/chain.ts): each row's hash covers the previous row's hash and its own fields.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: text('at').notNull(),
    actor: text('actor'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    target: text('target'),
    address: text('address'),
    outcome: text('outcome', { enum: ['ok', 'denied', 'failed'] }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_action_idx').on(t.action), index('audit_actor_idx').on(t.actor)],
);

// ---------------------------------------------------------------- events (issue 5)

/**
 * Every event a device or a person reported, located to its grid. `(source, id)` is the
 * idempotency key: a second copy is not stored (the primary key refuses it, also when both
 * copies arrive at the same moment).
 */
export const events = pgTable(
  'events',
  {
    source: text('source').notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    deviceId: text('device_id'),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    /**
     * No foreign key to regions: checking one locks the region's row (FOR KEY SHARE, a write) for
     * every event, about a tenth of the insert's cost; the grid locator only yields codes it holds.
     */
    gridCode: text('grid_code').notNull(),
    severity: integer('severity'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>(),
    media: jsonb('media').$type<{ kind: string; url: string }[]>(),
    /** The device key (or 'env' for INGEST_API_KEY) that posted it. */
    credentialId: text('credential_id'),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.id] }),
    index('events_grid_at_idx').on(t.gridCode, t.at),
    index('events_at_idx').on(t.at),
    // The absence sweep's question, "the last access of this resident": one short backward index
    // scan per resident. The predicate is the query's own (the hub's resident_absence events,
    // also source 'access', do not count as an access).
    index('events_access_resident_idx')
      .on(sql`(${t.attributes}->>'residentId')`, t.at)
      .where(sql`${t.source} = 'access' and ${t.type} <> 'resident_absence'`),
  ],
);

/**
 * Every change of an alarm takes the next value of this sequence as the alarm's `rev`: a client
 * that has seen up to rev N asks for `rev > N` in its scope and gets exactly what changed since.
 */
export const alarmRev = pgSequence('alarm_rev');

/** Alarms raised by the rules from events. Written in the same transaction as their event. */
export const alarms = pgTable(
  'alarms',
  {
    id: text('id').primaryKey(),
    rev: bigint('rev', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    eventSource: text('event_source').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** When the event happened (its `at`). */
    eventAt: timestamp('event_at', { withTimezone: true }).notNull(),
    ruleId: text('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    priority: integer('priority').notNull(),
    status: text('status', {
      enum: ['new', 'acknowledged', 'false_alarm', 'incident', 'expired', 'cleared'],
    }).notNull(),
    /** The event's grid (no foreign key, as for events). */
    gridCode: text('grid_code').notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    zoneId: text('zone_id'),
    zoneName: text('zone_name'),
    actions: jsonb('actions').$type<string[]>().notNull(),
    /** The nearest cameras, attached when the rule asks for them. */
    cameraIds: jsonb('camera_ids').$type<string[]>().notNull(),
    /** The nearest available field units, proposed for dispatch when the rule asks for them. */
    unitIds: jsonb('unit_ids').$type<string[]>().notNull().default([]),
    /** The loudspeaker told to speak, and what it said (fence rules). */
    speakerId: text('speaker_id'),
    say: text('say'),
    handledBy: text('handled_by'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    /** The incident this alarm is part of (made from it, attached to it, or the one whose SLA it reports). */
    incidentId: text('incident_id'),
    /**
     * Flood control (issue 15): what repeats fold by, `zone:<id>` or `device:<source>/<id>`; null:
     * this alarm takes no repeats. `count` events so far, the last at `lastAt`.
     */
    foldKey: text('fold_key'),
    count: integer('count').notNull().default(1),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
    /** An unhandled alarm expires then (its rule's expireMinutes after lastAt); null: never. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Raised one priority by a major event it lies in (issue 17): the event and the rule's priority; null: not. */
    raise: jsonb('raise').$type<{ eventId: string; name: string; from: number }>(),
    /** The event's media (issue 18: a camera's picture); null: none. */
    media: jsonb('media').$type<{ kind: MediaKind; url: string }[]>(),
  },
  (t) => [
    uniqueIndex('alarms_rev_idx').on(t.rev),
    // Figures: a street's (or a grid's) alarms of a window, summed from the rows (stats.repository.ts).
    index('alarms_street_created_idx').on(sql`left(${t.gridCode}, 9)`, t.createdAt),
    // Where a repeat folds: the latest alarm of its rule and key still open.
    index('alarms_fold_idx')
      .on(t.ruleId, t.foldKey, t.lastAt)
      .where(sql`${t.foldKey} is not null and ${t.status} in ('new', 'acknowledged', 'incident')`),
    // The expiry sweep's unhandled alarms with a deadline.
    index('alarms_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'new' and ${t.expiresAt} is not null`),
    uniqueIndex('alarms_event_rule_idx').on(t.eventSource, t.eventId, t.ruleId),
    // The open alarms, newest change first (a screen's snapshot); a closed alarm leaves it.
    index('alarms_open_rev_idx')
      .on(t.rev)
      .where(sql`${t.status} in ('new', 'acknowledged')`),
  ],
);

/** The rules events run through (server/rules/rules.ts shapes), editable by admins. */
export const rules = pgTable('rules', {
  id: text('id').primaryKey(),
  definition: jsonb('definition').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------- incidents (issue 6)

/** Every change of an incident takes the next value as its `rev` (as alarms: screens sync by it). */
export const incidentRev = pgSequence('incident_rev');
/** The number in an incident's human code (E20261122-000042). */
export const incidentNo = pgSequence('incident_no');

/** One row per assignment of a unit to an incident, kept on the incident (the machine reads them together). */
export interface AssignmentJson {
  unitId: string;
  callsign: string;
  kind: string;
  status: 'assigned' | 'accepted' | 'declined' | 'arrived' | 'released';
  assignedAt: string;
  respondedAt: string | null;
}

export interface DisputeJson {
  parties: { name: string; idKey: string | null }[];
  channel: 'people' | 'administrative' | 'judicial' | 'industry' | null;
  mediations: {
    at: string;
    channel: 'people' | 'administrative' | 'judicial' | 'industry';
    mediator: string;
    note: string;
    outcome: 'ongoing' | 'agreed' | 'failed';
    by: string;
  }[];
  outcome: 'ongoing' | 'agreed' | 'failed';
  risk: {
    score: number;
    level: 'low' | 'medium' | 'high';
    /** As shared/hub-text.ts has them; rows before issue 15 have a `detail` sentence instead of `params`. */
    factors: (RiskFactor | { code: string; detail: string; points: number })[];
  };
  supervised: boolean;
}

/**
 * Incidents: the closed loop (shared/incident-machine.ts). `version` counts this incident's changes
 * (optimistic concurrency: a write names the version it saw); `rev` orders every change of every
 * incident for screens. Stage times feed the SLA clocks; `due_at` is the next deadline, so the
 * breach sweep is one index range scan, also after a restart.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    rev: bigint('rev', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    kind: text('kind', { enum: ['general', 'dispute'] }).notNull(),
    category: text('category').notNull(),
    priority: integer('priority').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    status: text('status', {
      enum: [
        'reported',
        'accepted',
        'dispatched',
        'unit_accepted',
        'on_scene',
        'resolved',
        'verified',
        'rated',
        'closed',
        'merged',
        'cancelled',
      ],
    }).notNull(),
    source: text('source', { enum: ['alarm', 'dispatcher', 'field', 'citizen', 'hotline'] }).notNull(),
    /** The hotline's ticket number (a repeat post is the same incident). */
    externalId: text('external_id'),
    /** The citizen's tracking code. */
    trackingCode: text('tracking_code'),
    reporter: jsonb('reporter').$type<{ name?: string; phone?: string }>(),
    gridCode: text('grid_code').notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    address: text('address').notNull(),
    department: text('department').notNull(),
    assignments: jsonb('assignments').$type<AssignmentJson[]>().notNull(),
    escalations: integer('escalations').notNull(),
    maxEscalations: integer('max_escalations').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    firstDispatchedAt: timestamp('first_dispatched_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    unitAcceptedAt: timestamp('unit_accepted_at', { withTimezone: true }),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Figures (issue 16): first accepted by the centre, last verified, times sent back by a grid worker. */
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    rejections: integer('rejections').notNull().default(0),
    /** The resolve clock's deadline as the policy set it at the report (按期办结: resolved by then). */
    resolveDueAt: timestamp('resolve_due_at', { withTimezone: true }),
    /** The next SLA deadline not yet handled (null: no clock running). */
    dueAt: timestamp('due_at', { withTimezone: true }),
    breaches: jsonb('breaches').$type<string[]>().notNull(),
    flagged: boolean('flagged').notNull(),
    mergedInto: text('merged_into'),
    mergedFrom: jsonb('merged_from').$type<string[]>().notNull(),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    photoIds: jsonb('photo_ids').$type<string[]>().notNull(),
    dispute: jsonb('dispute').$type<DisputeJson>(),
  },
  (t) => [
    uniqueIndex('incidents_code_idx').on(t.code),
    uniqueIndex('incidents_rev_idx').on(t.rev),
    uniqueIndex('incidents_tracking_idx')
      .on(t.trackingCode)
      .where(sql`${t.trackingCode} is not null`),
    uniqueIndex('incidents_external_idx')
      .on(t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    // The desk's open list: by priority then the next deadline, the list's own sort expression (and a
    // screen's snapshot by rev).
    // Figures: the open incidents past their resolve deadline (按期办结's live part).
    index('incidents_resolve_due_open_idx')
      .on(t.resolveDueAt)
      .where(sql`${t.resolvedAt} IS NULL AND ${t.status} NOT IN ('closed', 'merged', 'cancelled')`),
    index('incidents_open_priority_idx')
      .on(t.priority, sql`coalesce(${t.dueAt}, 'infinity'::timestamptz)`, t.id)
      .where(sql`${t.status} not in ('closed', 'merged', 'cancelled')`),
    index('incidents_open_rev_idx')
      .on(t.rev)
      .where(sql`${t.status} not in ('closed', 'merged', 'cancelled')`),
    // The breach sweep: open incidents whose next deadline has passed.
    index('incidents_due_idx')
      .on(t.dueAt)
      .where(sql`${t.dueAt} is not null`),
    // History: newest first, in a region, of a category.
    index('incidents_created_idx').on(t.createdAt, t.id),
    // A district's and a street's history, newest first (the list filters them by left(grid_code, n)).
    index('incidents_district_created_idx').on(sql`left(${t.gridCode}, 6)`, t.createdAt, t.id),
    index('incidents_street_created_idx').on(sql`left(${t.gridCode}, 9)`, t.createdAt, t.id),
    index('incidents_grid_created_idx').on(t.gridCode, t.createdAt),
    index('incidents_category_created_idx').on(t.category, t.createdAt),
    // A unit's assignments (the field page): assignments @> '[{"unitId": …}]'.
    index('incidents_assignments_idx').using('gin', sql`${t.assignments} jsonb_path_ops`),
  ],
);

/** The incident's timeline: every transition, who, when and a note (never updated). */
export const incidentTimeline = pgTable(
  'incident_timeline',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actor: text('actor').notNull(),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    note: text('note'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('incident_timeline_incident_idx').on(t.incidentId, t.id)],
);

/** Where an incident came from: alarms, events, reports, incidents merged into it (every source kept). */
export const incidentSources = pgTable(
  'incident_sources',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    kind: text('kind', { enum: ['alarm', 'event', 'report', 'incident'] }).notNull(),
    ref: text('ref').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    summary: text('summary').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.kind, t.ref] }), index('incident_sources_ref_idx').on(t.kind, t.ref)],
);

/** Photos of reports (JPEG, PNG, WebP, checked by their bytes; at most 5 MB). */
export const photos = pgTable('photos', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  bytes: integer('bytes').notNull(),
  data: bytea('data').notNull(),
  /** Who sent it: a principal id, or 'citizen'. */
  uploadedBy: text('uploaded_by').notNull(),
  /** Where a device's picture was taken (issue 18): readable by those whose scope holds this grid. */
  gridCode: text('grid_code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * Messages that can never be stored (issue 13): an MQTT message whose bytes fail in the database,
 * or that is not an event at all, is acknowledged and set aside here, so the broker never delivers
 * it again and the good messages behind it flow. Admins see them (GET /admin/dead-letters).
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** Where it came in: 'mqtt' (HTTP answers its poster with a 4xx instead). */
    channel: text('channel').notNull(),
    topic: text('topic').notNull(),
    /** The message's bytes as received (not text: they may not be valid UTF-8). */
    payload: bytea('payload').notNull(),
    error: text('error').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('dead_letters_received_idx').on(t.receivedAt)],
);

/**
 * Side effects that must follow a commit (issue 13): recorded in the same transaction as the change
 * that causes them, delivered after it by the outbox relay of any hub, marked delivered. A hub
 * killed between commit and delivery loses none; a later change of the same object adds none.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** What kind of delivery: 'mqtt' (publish payload to topic at QoS 1). */
    kind: text('kind').notNull(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Not before (a failed delivery backs off). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.dueAt, t.id)
      .where(sql`${t.deliveredAt} is null`),
  ],
);

// ------------------------------------------------------------------ figures (issue 16)
//
// Rollups the database keeps current as rows change: triggers on incidents and alarms add each
// row's contribution and take back the old one (migration 0012: stats_incident_facts() and
// stats_alarm_facts() define every figure once; stats_rebuild() recomputes them set-wise after a
// bulk load). grain 'd' (a local day) or 'm' (a month, start = its first day); level 0 city,
// 1 district, 2 street, 3 grid; region the region code at that level (collated "C", so a code's
// prefix is an index range). Each row holds one dimension (or none): the city and districts by day
// and month, by none, category, source and unit kind; streets by day and month, by none; grids by
// month, by none and category. Anything finer is summed from the incidents themselves through the
// same definitions (stats.repository.ts).

const rollupKey = {
  grain: text('grain', { enum: ['d', 'm'] }).notNull(),
  start: date('start', { mode: 'string' }).notNull(),
  level: smallint('level').notNull(),
  region: text('region').notNull(),
};
const counter = (name: string) => integer(name).notNull().default(0);
const minutesSum = (name: string) => doublePrecision(name).notNull().default(0);

export const incidentRollup = pgTable(
  'incident_rollup',
  {
    ...rollupKey,
    /**
     * One dimension per row: '-' (none: the region's whole sums, key ''), 'category', 'source' or
     * 'unit_kind' (the first unit dispatched; 'none': never dispatched), with its value in `key`.
     */
    dim: text('dim', { enum: ['-', 'category', 'source', 'unit_kind'] }).notNull(),
    key: text('key').notNull(),
    reported: counter('reported'),
    cancelled: counter('cancelled'),
    escalated: counter('escalated'),
    supervised: counter('supervised'),
    resolved: counter('resolved'),
    closed: counter('closed'),
    disputes: counter('disputes'),
    disputesClosed: counter('disputes_closed'),
    disputesAgreed: counter('disputes_agreed'),
    rated: counter('rated'),
    ratedGood: counter('rated_good'),
    verified: counter('verified'),
    rejections: counter('rejections'),
    /** By the resolve deadline's day: resolved by it, resolved after it. */
    onTime: counter('on_time'),
    late: counter('late'),
    acceptN: counter('accept_n'),
    acceptSum: minutesSum('accept_sum'),
    queueN: counter('queue_n'),
    queueSum: minutesSum('queue_sum'),
    unitAcceptN: counter('unit_accept_n'),
    unitAcceptSum: minutesSum('unit_accept_sum'),
    travelN: counter('travel_n'),
    travelSum: minutesSum('travel_sum'),
    responseN: counter('response_n'),
    responseSum: minutesSum('response_sum'),
    resolveN: counter('resolve_n'),
    resolveSum: minutesSum('resolve_sum'),
  },
  (t) => [primaryKey({ columns: [t.grain, t.level, t.start, t.region, t.dim, t.key] })],
);

/** Time histograms for p50/p90 (city, district and street levels): measure 0-5 as TIME_MEASURES, bucket as stats_bucket(). */
export const incidentRollupHist = pgTable(
  'incident_rollup_hist',
  {
    ...rollupKey,
    measure: smallint('measure').notNull(),
    bucket: smallint('bucket').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.level, t.start, t.region, t.measure, t.bucket] })],
);

export const alarmRollup = pgTable(
  'alarm_rollup',
  {
    ...rollupKey,
    priority: smallint('priority').notNull(),
    source: text('source').notNull(),
    raised: counter('raised'),
    events: counter('events'),
    falseAlarms: counter('false_alarms'),
    expired: counter('expired'),
    incidents: counter('incidents'),
    acknowledged: counter('acknowledged'),
  },
  (t) => [primaryKey({ columns: [t.grain, t.level, t.start, t.region, t.priority, t.source] })],
);

/**
 * The per-grid analysis's rollup (migration 0013): per grid and month (its first day) the month's
 * incidents without the merged and the cancelled ones, per category in RISK_CATEGORIES' order
 * (stats_categories(); a category outside the 29 counts in the total only), and their total. One
 * narrow row a grid, so a city's month is 10,000 rows rather than the ~60,000 wide category rows
 * of incident_rollup; kept by a trigger of its own and by stats_rebuild().
 */
export const gridMonth = pgTable(
  'grid_month',
  {
    month: date('month', { mode: 'string' }).notNull(),
    grid: text('grid').notNull(),
    counts: integer('counts').array().notNull(),
    /** `counts` as a comma-separated text, kept by the database on write: what a read sends (outputting arrays cost twice as much). */
    countsText: text('counts_text')
      .notNull()
      .generatedAlwaysAs(sql`stats_counts_text(counts)`),
    total: integer('total').notNull(),
    /**
     * Migration 0014: the counts over the stats_history_months() (6) months before, per category as
     * `counts`, and their total: what the standout rule compares a month with, kept current by the
     * trigger (a change in one month adds to the six after it) so that a read needs no other row.
     */
    history: integer('history').array().notNull(),
    historyTotal: integer('history_total').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.grid] })],
);

/**
 * Coverage gaps (issue 17): a spell during which a grid had no available unit of a need within
 * its threshold. Open while `closedAt` is null; at most one open spell per grid and need, so two
 * hubs that see the same gap open it once. Its alarm's event is `coverage:<id>`.
 */
export const coverageGaps = pgTable(
  'coverage_gaps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    gridCode: text('grid_code').notNull(),
    need: text('need', { enum: ['police', 'grid_worker', 'fire', 'medical'] }).notNull(),
    /** When the grid became a gap (on the hub that saw it first: the spell's start, before the hold). */
    since: timestamp('since', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Minutes of the nearest available unit when it opened (null: none available at all), and the threshold. */
    etaMin: doublePrecision('eta_min'),
    thresholdMin: doublePrecision('threshold_min').notNull(),
    /**
     * The alarm this spell is reported by (its event's id): one alarm per district and need while
     * any of the district's grids lacks that need, so one busy fire engine is one alarm, not sixty.
     */
    alarmEventId: text('alarm_event_id'),
  },
  (t) => [
    uniqueIndex('coverage_gaps_open_idx')
      .on(t.gridCode, t.need)
      .where(sql`${t.closedAt} is null`),
    index('coverage_gaps_opened_idx').on(t.openedAt),
  ],
);

/** Wall presets (issue 17): the layout a wall shows, edited by admins (shared/wall.ts). */
export const wallPresets = pgTable('wall_presets', {
  id: text('id').primaryKey(),
  definition: jsonb('definition').$type<WallPresetBody>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * Major security events (issue 17): a perimeter, a buffer ring, a window, posts and checkpoints,
 * key cameras, a wall preset and tighter coverage times (shared/major-events.ts), in a region.
 */
export const majorEvents = pgTable(
  'major_events',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    regionCode: text('region_code').notNull(),
    /** perimeter, bufferM, bufferRing, posts, cameraIds, presetId, coverage. */
    definition: jsonb('definition').$type<MajorEventDefinition>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('major_events_window_idx').on(t.endsAt, t.startsAt)],
);

/**
 * Device endpoints (issue 18): cameras, NVRs and platforms speaking Hikvision ISAPI, Dahua's event
 * stream or GB/T 28181, registered by admins (shared/devices.ts), with what every hub has counted of
 * each (added in batches by each hub's device sink, so the hot path writes no row per event).
 */
export const deviceEndpoints = pgTable(
  'device_endpoints',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['isapi', 'dahua', 'gb28181'] }).notNull(),
    name: text('name').notNull(),
    scope: text('scope')
      .notNull()
      .references(() => regions.code),
    enabled: boolean('enabled').notNull(),
    foldSeconds: integer('fold_seconds').notNull(),
    /** The kind's settings (shared/devices.ts: isapiConfig, dahuaConfig, gb28181Config), no secret. */
    config: jsonb('config').$type<DeviceConfig>().notNull(),
    /** How the device is found: ISAPI's address, a GB/T 28181 device id (unique per kind, with the MAC for ISAPI). */
    matchKey: text('match_key'),
    /** A Dahua account's password, sealed (server/auth/secrets.ts). */
    secret: text('secret'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    eventsIn: bigint('events_in', { mode: 'number' }).notNull().default(0),
    folded: bigint('folded', { mode: 'number' }).notNull().default(0),
    rejected: bigint('rejected', { mode: 'number' }).notNull().default(0),
    deadLettered: bigint('dead_lettered', { mode: 'number' }).notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('device_endpoints_match_idx').on(t.kind, t.matchKey)],
);

export const schema = {
  basemapFeatures,
  appMeta,
  regions,
  cameras,
  zones,
  railways,
  speakers,
  smartCommunities,
  gates,
  facilities,
  units,
  residents,
  users,
  loginThrottle,
  credentials,
  sessions,
  auditLog,
  events,
  alarms,
  rules,
  incidents,
  incidentTimeline,
  incidentSources,
  photos,
  deadLetters,
  outbox,
  incidentRollup,
  incidentRollupHist,
  alarmRollup,
  gridMonth,
  coverageGaps,
  wallPresets,
  majorEvents,
  deviceEndpoints,
};
export type Schema = typeof schema;
