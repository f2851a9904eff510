/**
 * Incidents on the wire (issue 6): what the desk, the field page and the citizen page send and get.
 * The state machine is in incident-machine.ts, the SLA clocks in sla.ts, the categories in
 * incident-categories.ts. Every change of an incident gives it a new `rev` (one sequence for the hub,
 * like alarms: screens catch up with `incident:sync`) and a new `version` (per incident: a write
 * names the version it saw, and a stale one is answered 409 with the current incident).
 */
import { z } from 'zod';
import { hubNote, riskFactor, sourceSummary } from './hub-text';
import { INCIDENT_ACTIONS, INCIDENT_ACTORS, INCIDENT_STATUSES } from './incident-machine';
import { RISK_CATEGORIES } from './ingest';
import { SLA_STAGES } from './sla';
import { text as textRule } from './text';

export const INCIDENT_SOURCES = ['alarm', 'dispatcher', 'field', 'citizen', 'hotline'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export const INCIDENT_KINDS = ['general', 'dispute'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** 人民调解 / 行政调解 / 司法调解 / 行业调解. */
export const MEDIATION_CHANNELS = ['people', 'administrative', 'judicial', 'industry'] as const;
export type MediationChannel = (typeof MEDIATION_CHANNELS)[number];
export const MEDIATION_OUTCOMES = ['ongoing', 'agreed', 'failed'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const ASSIGNMENT_STATUSES = ['assigned', 'accepted', 'declined', 'arrived', 'released'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

const lonLat = z.tuple([z.number(), z.number()]);

export const assignmentView = z.object({
  unitId: z.string(),
  callsign: z.string(),
  kind: z.string(),
  status: z.enum(ASSIGNMENT_STATUSES),
  assignedAt: z.string(),
  respondedAt: z.string().nullable(),
});
export type AssignmentView = z.infer<typeof assignmentView>;

/** Each factor a code with parameters that the screen says (shared/hub-text.ts: riskFactor). */
export const disputeRisk = z.object({ score: z.number(), level: z.enum(RISK_LEVELS), factors: z.array(riskFactor) });
export type DisputeRisk = z.infer<typeof disputeRisk>;

export const mediationView = z.object({
  at: z.string(),
  channel: z.enum(MEDIATION_CHANNELS),
  mediator: z.string(),
  note: z.string(),
  outcome: z.enum(MEDIATION_OUTCOMES),
  by: z.string(),
});
export type MediationView = z.infer<typeof mediationView>;

export const party = z.strictObject({
  name: textRule(64, { trim: true, min: 1 }),
  /** An ID number or phone that tells repeat parties apart (kept; shown masked). */
  idKey: textRule(64, { trim: true }).optional(),
});
export type Party = z.infer<typeof party>;

export const disputeView = z.object({
  parties: z.array(z.object({ name: z.string(), idKey: z.string().nullable() })),
  channel: z.enum(MEDIATION_CHANNELS).nullable(),
  mediations: z.array(mediationView),
  outcome: z.enum(MEDIATION_OUTCOMES),
  risk: disputeRisk,
  /** 民转刑 early warning: the risk is high, so it is escalated and supervised. */
  supervised: z.boolean(),
});
export type DisputeView = z.infer<typeof disputeView>;

export const slaClockView = z.object({
  stage: z.enum(SLA_STAGES),
  state: z.enum(['pending', 'running', 'met', 'late', 'breached']),
  startedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type SlaClockView = z.infer<typeof slaClockView>;

export const incidentView = z.object({
  id: z.string(),
  /** Human reference: 事件编号 (date + number). */
  code: z.string(),
  rev: z.number().int(),
  version: z.number().int(),
  kind: z.enum(INCIDENT_KINDS),
  category: z.enum(RISK_CATEGORIES),
  priority: z.number().int().min(1).max(4),
  title: z.string(),
  description: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  source: z.enum(INCIDENT_SOURCES),
  /** The hotline's ticket number, when it came from the hotline. */
  externalId: z.string().nullable(),
  /** Who reported it (a citizen's contact, the caller), for calling back. */
  reporter: z.object({ name: z.string().optional(), phone: z.string().optional() }).nullable(),
  gridCode: z.string(),
  position: lonLat,
  address: z.string(),
  /** The department responsible for the category. */
  department: z.string(),
  assignments: z.array(assignmentView),
  escalations: z.number().int(),
  maxEscalations: z.number().int(),
  /** The region the incident is handled at now (its grid, or an ancestor after escalation). */
  levelCode: z.string(),
  /** Clocks as of `updatedAt`; screens tick them locally from `dueAt`. */
  sla: z.array(slaClockView),
  /** A stage's deadline passed (督办). */
  flagged: z.boolean(),
  breaches: z.array(z.enum(SLA_STAGES)),
  mergedInto: z.string().nullable(),
  /** Incidents merged into this one. */
  mergedFrom: z.array(z.string()),
  rating: z.object({ score: z.number().int().min(1).max(5), comment: z.string() }).nullable(),
  photoIds: z.array(z.string()),
  dispute: disputeView.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});
export type IncidentView = z.infer<typeof incidentView>;

export const timelineEntry = z.object({
  incidentId: z.string(),
  at: z.string(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  actor: z.enum(INCIDENT_ACTORS),
  actorId: z.string(),
  /** The person's name; null for the system and a citizen who gave none (the screen names the actor kind). */
  actorName: z.string().nullable(),
  /** What the person typed (a reason, a comment), as typed. */
  note: z.string().nullable(),
  /** What the hub noted itself, as a key the screen says in its language (shared/hub-text.ts). */
  hubNote: hubNote.nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntry>;

/** Where an incident came from (an alarm, an event, a report); merging keeps every source. */
export const incidentSourceView = z.object({
  kind: z.enum(['alarm', 'event', 'report', 'incident']),
  ref: z.string(),
  at: z.string(),
  /** What it was, as a key the screen says in its language (shared/hub-text.ts). */
  summary: sourceSummary,
});
export type IncidentSourceView = z.infer<typeof incidentSourceView>;

export const unitProposal = z.object({
  unitId: z.string(),
  callsign: z.string(),
  kind: z.string(),
  department: z.string().nullable(),
  distanceM: z.number(),
  etaMin: z.number(),
});
export type UnitProposal = z.infer<typeof unitProposal>;

export const dispatchProposal = z.object({
  department: z.string(),
  units: z.array(unitProposal),
  /** The department's own crews, nearest first (empty when the city has none of it). */
  departmentUnits: z.array(unitProposal),
  cameraIds: z.array(z.string()),
});
export type DispatchProposal = z.infer<typeof dispatchProposal>;

export const mergeCandidate = z.object({
  kind: z.enum(['incident', 'alarm']),
  id: z.string(),
  /** An incident's version (to merge it into this one); an alarm's rev. */
  version: z.number().int(),
  code: z.string(),
  category: z.string(),
  title: z.string(),
  distanceM: z.number(),
  minutesApart: z.number(),
  at: z.string(),
});
export type MergeCandidate = z.infer<typeof mergeCandidate>;

export const incidentDetail = z.object({
  incident: incidentView,
  timeline: z.array(timelineEntry),
  sources: z.array(incidentSourceView),
  /** Actions the asking principal may try now (the machine's allowedActions for its actor). */
  actions: z.array(z.enum(INCIDENT_ACTIONS)),
});
export type IncidentDetail = z.infer<typeof incidentDetail>;

// ---------------------------------------------------------------- requests

/** Free text of a form: trimmed, storable (shared/text.ts), at most `max` characters. */
const text = (max: number) => textRule(max, { trim: true });
const version = z
  .number({ error: 'must be the version you saw (a number)' })
  .int('must be a whole number')
  .min(1, 'must be 1 or more');
export const location = z.strictObject({
  lon: z.number({ error: 'must be a number' }).min(-180, 'must be -180 to 180').max(180, 'must be -180 to 180'),
  lat: z.number({ error: 'must be a number' }).min(-90, 'must be -90 to 90').max(90, 'must be -90 to 90'),
});
const category = z.enum(RISK_CATEGORIES, {
  error: 'must be one of the 29 categories (shared/ingest.ts: RISK_CATEGORIES)',
});
const photoIds = z
  .array(textRule(64).regex(/^[0-9a-f-]{36}$/i, 'must be a photo id from POST /photos'), { error: 'must be an array' })
  .max(6, 'at most 6 photos');

/** The dispatcher's form, a hotline ticket (a device key posts those), or a field unit's report. */
export const createIncidentBody = z.strictObject({
  category,
  priority: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-4')
    .max(4, 'must be 1-4'),
  title: text(120).min(1, 'must not be empty'),
  description: text(4000).default(''),
  location,
  address: text(200).default(''),
  /** dispatcher (default for the centre), hotline (a 12345 call typed in, or posted by the hotline system). */
  source: z.enum(['dispatcher', 'hotline'], { error: 'must be dispatcher or hotline' }).optional(),
  /** The hotline's ticket number: the same ticket posted twice is one incident. */
  externalId: text(64).min(1, 'must not be empty').optional(),
  reporter: z.strictObject({ name: text(64).optional(), phone: text(32).optional() }).optional(),
  parties: z.array(party, { error: 'must be an array' }).max(20, 'at most 20 parties').optional(),
  photoIds: photoIds.optional(),
});
export type CreateIncidentBody = z.infer<typeof createIncidentBody>;

export const incidentActionBody = z.strictObject({
  action: z.enum(INCIDENT_ACTIONS, { error: `must be one of ${INCIDENT_ACTIONS.join(', ')}` }),
  version,
  note: text(1000).optional(),
  unitIds: z
    .array(textRule(64, { min: 1 }), { error: 'must be an array of unit ids' })
    .min(1, 'name at least one unit')
    .max(20, 'at most 20 units')
    .optional(),
  intoId: textRule(64, { min: 1 }).optional(),
});
export type IncidentActionBody = z.infer<typeof incidentActionBody>;

export const mediationBody = z.strictObject({
  version,
  channel: z.enum(MEDIATION_CHANNELS, { error: `must be one of ${MEDIATION_CHANNELS.join(', ')}` }),
  mediator: text(64).min(1, 'must not be empty'),
  note: text(2000).default(''),
  outcome: z.enum(MEDIATION_OUTCOMES, { error: `must be one of ${MEDIATION_OUTCOMES.join(', ')}` }),
});
export type MediationBody = z.infer<typeof mediationBody>;

/** The desk's list: filters, a sort and a page (keyset: pass the last row's `cursor`). */
export const INCIDENT_SORTS = ['priority', 'due', 'newest'] as const;
export const incidentListQuery = z.strictObject({
  /** open (default), closed (closed, merged, cancelled), all, or one status. */
  status: z
    .enum(['open', 'closed', 'all', ...INCIDENT_STATUSES], { error: 'must be open, closed, all or a status' })
    .default('open'),
  category: category.optional(),
  priority: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be 1-4').max(4, 'must be 1-4').optional(),
  region: textRule(32)
    .regex(/^\d{6,15}$/, 'must be a region code')
    .optional(),
  source: z.enum(INCIDENT_SOURCES).optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  flagged: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  unit: textRule(64).optional(),
  sort: z.enum(INCIDENT_SORTS).default('priority'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be 1-500')
    .max(500, 'must be 1-500')
    .default(100),
  cursor: textRule(200).optional(),
});
export type IncidentListQuery = z.infer<typeof incidentListQuery>;
export const incidentPage = z.object({ incidents: z.array(incidentView), nextCursor: z.string().nullable() });
export type IncidentPage = z.infer<typeof incidentPage>;

/** incident:sync's answer (as alarm:sync): changes since a rev, or the open incidents of the scope. */
/** As alarmSyncReply: a delta in pages (`more`: ask again since `rev`), or a snapshot of the open incidents. */
export const incidentSyncReply = z.object({
  mode: z.enum(['delta', 'snapshot']),
  rev: z.number().int(),
  incidents: z.array(incidentView),
  more: z.boolean().optional(),
});
export type IncidentSyncReply = z.infer<typeof incidentSyncReply>;
export const INCIDENT_SNAPSHOT_LIMIT = 5000;
/** Incident deltas come in pages of this many (`more`); further behind than INCIDENT_DELTA_MAX_BEHIND revs: a snapshot. */
export const INCIDENT_DELTA_PAGE = 500;
export const INCIDENT_DELTA_MAX_BEHIND = 100_000;

// ---------------------------------------------------------------- field units

export const positionBody = z.strictObject({
  lon: location.shape.lon,
  lat: location.shape.lat,
  /** Metres (browser geolocation's accuracy). */
  accuracy: z.number().min(0).max(100_000).optional(),
  at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' }).optional(),
});
export type PositionBody = z.infer<typeof positionBody>;

/** A unit's live state, pushed to every screen of its region (`unit:batch`). */
export const unitLive = z.object({
  id: z.string(),
  callsign: z.string(),
  kind: z.string(),
  status: z.enum(['available', 'busy', 'offline']),
  position: lonLat,
  updatedAt: z.string(),
  incidentId: z.string().nullable(),
});
export type UnitLive = z.infer<typeof unitLive>;

/** What the field page shows: the signed-in member's unit and its assignments. */
export const fieldHome = z.object({
  unit: z.object({ id: z.string(), callsign: z.string(), kind: z.string(), status: z.string(), position: lonLat }),
  assignments: z.array(z.object({ incident: incidentView, actions: z.array(z.enum(INCIDENT_ACTIONS)) })),
});
export type FieldHome = z.infer<typeof fieldHome>;

// ---------------------------------------------------------------- citizens (no account)

/** Photos: JPEG, PNG or WebP, checked by their bytes, at most this large. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const photoReply = z.object({ id: z.string(), type: z.enum(PHOTO_TYPES), bytes: z.number().int() });
export type PhotoReply = z.infer<typeof photoReply>;

export const citizenReportBody = z
  .strictObject({
    category,
    description: text(2000).min(1, 'must not be empty'),
    /** Where (GPS or picked on the map); without it, the QR code's region (its centre) stands for the place. */
    location: location.optional(),
    address: text(200).default(''),
    /** The grid or community of the QR code the citizen scanned (码上解纷), if any. */
    regionCode: textRule(32)
      .regex(/^(\d{12}|\d{15})$/, 'must be a community (12) or grid (15) code')
      .optional(),
    contact: z.strictObject({ name: text(64).optional(), phone: text(32).optional() }).optional(),
    parties: z.array(party, { error: 'must be an array' }).max(10, 'at most 10 parties').optional(),
    photoIds: photoIds.optional(),
  })
  .refine((b) => b.location !== undefined || b.regionCode !== undefined, {
    message: 'needs a location, or the regionCode of the QR code',
    path: ['location'],
  });
export type CitizenReportBody = z.infer<typeof citizenReportBody>;

/** A tracking code: 12 characters of Crockford base32 in groups of four (no I, L, O, U). */
export const TRACKING_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** A QR code's region, for the citizen page's header and its map. */
export const publicRegion = z.object({ code: z.string(), name: z.string(), center: lonLat });
export type PublicRegion = z.infer<typeof publicRegion>;

export const citizenReportReply = z.object({ trackingCode: z.string(), code: z.string() });
export type CitizenReportReply = z.infer<typeof citizenReportReply>;

/** What a citizen sees of their report: no names of staff, no other reports. */
export const citizenStatus = z.object({
  trackingCode: z.string(),
  code: z.string(),
  category: z.enum(RISK_CATEGORIES),
  description: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The steps so far (action and time, with the public note of each). */
  steps: z.array(z.object({ at: z.string(), action: z.string(), to: z.string().nullable() })),
  canRate: z.boolean(),
  rating: z.object({ score: z.number().int(), comment: z.string() }).nullable(),
});
export type CitizenStatus = z.infer<typeof citizenStatus>;

export const ratingBody = z.strictObject({
  score: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-5')
    .max(5, 'must be 1-5'),
  comment: text(500).default(''),
});
export type RatingBody = z.infer<typeof ratingBody>;
