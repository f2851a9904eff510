/**
 * The hub's own words on incidents, between the tables and the wire (issue 15): timeline notes,
 * source summaries, risk factors and the placeholder actor names travel as keys with parameters
 * (shared/hub-text.ts), which each screen says in its language.
 *
 * Writing: a timeline entry's `hubNote` is kept in its `details` (the `note` column stays what a
 * person typed); a source's summary is stored as the key's JSON. Reading: the one place that also
 * turns what older hubs stored (English sentences, the names 'system' and 'citizen', risk factors
 * with a `detail` sentence) into the same keys, so old rows show translated too. A stored sentence
 * of no known form stays as it is: it is then taken for a person's words.
 *
 * Pure: no I/O.
 */
import type { DisputeJson } from '@server/db/schema';
import type { NewTimeline, TimelineRow } from '@server/repositories/incident-timeline.repository';
import type { SourceRow } from '@server/repositories/incident-source.repository';
import {
  REPORT_SOURCES,
  hubNote,
  riskFactor,
  sourceSummary,
  type HubNote,
  type RiskFactor,
  type SourceSummary,
} from '@shared/hub-text';
import type { SourceEntry, TimelineEntry as TimelineFacts } from '@shared/incident-facts';
import type { IncidentActor } from '@shared/incident-machine';
import type { DisputeView, IncidentSourceView, TimelineEntry } from '@shared/incidents';
import { EVENT_TYPES, RISK_CATEGORIES, type EventType } from '@shared/ingest';
import { SLA_STAGES } from '@shared/sla';

const HUB_NOTE = 'hubNote';

// ------------------------------------------------------------------ writing

/** A timeline entry as its row: the hub's note goes into `details`. */
export function timelineRow(t: TimelineFacts, incidentId: string): NewTimeline {
  const { hubNote: said, details, ...rest } = t;
  return { ...rest, incidentId, details: said ? { ...details, [HUB_NOTE]: said } : details };
}

/** A source as its row: the summary's key and parameters as JSON. */
export function sourceRow(s: SourceEntry, incidentId: string): SourceRow {
  return { kind: s.kind, ref: s.ref, at: s.at, incidentId, summary: JSON.stringify(s.summary) };
}

/** An alarm as an incident's source: its rule and event type. */
export function alarmSource(a: { id: string; createdAt: Date; ruleName: string; eventType: string }): SourceEntry {
  return { kind: 'alarm', ref: a.id, at: a.createdAt, summary: alarmSummary(a.ruleName, a.eventType) };
}

function alarmSummary(rule: string, type: string): SourceSummary {
  return isEventType(type)
    ? { key: 'source.alarm', params: { rule, type } }
    : { key: 'source.text', params: { text: `${rule} (${type})` } };
}

// ------------------------------------------------------------------ reading

/** A stored timeline row as the wire has it. */
export function timelineView(t: TimelineRow): TimelineEntry {
  const actor = t.actor as IncidentActor;
  const { [HUB_NOTE]: stored, ...details } = t.details ?? {};
  const parsed = hubNote.safeParse(stored);
  const legacy = parsed.success || t.note === null ? null : legacyNote(actor, t.action, t.note);
  return {
    incidentId: t.incidentId,
    at: t.at.toISOString(),
    action: t.action,
    from: t.fromStatus,
    to: t.toStatus,
    actor,
    actorId: t.actorId,
    actorName: placeholderName(actor, t.actorName) ? null : t.actorName,
    note: legacy ? null : t.note,
    hubNote: parsed.success ? parsed.data : legacy,
    details: t.details ? details : null,
  };
}

/** A stored source row as the wire has it. */
export function sourceView(s: SourceRow): IncidentSourceView {
  return { kind: s.kind, ref: s.ref, at: s.at.toISOString(), summary: summaryOf(s.kind, s.summary) };
}

/** A stored dispute as the wire has it (risk factors as codes with parameters). */
export function disputeView(d: DisputeJson): DisputeView {
  return { ...d, risk: { ...d.risk, factors: d.risk.factors.flatMap((f) => factorOf(f)) } };
}

// ------------------------------------------------------------------ what older hubs stored

/** The names older hubs wrote for an actor with none: the screen names the actor kind instead. */
function placeholderName(actor: IncidentActor, name: string): boolean {
  return name === '' || (actor === 'system' && name === 'system') || (actor === 'citizen' && name === 'citizen');
}

const stageOf = (s: string) => (SLA_STAGES as readonly string[]).includes(s);

/**
 * The sentences older hubs wrote as notes, each only where the hub wrote it (its actor and
 * action), so a person who typed the same words keeps them.
 */
export function legacyNote(actor: IncidentActor, action: string, note: string): HubNote | null {
  let m: RegExpExecArray | null;
  if (actor === 'citizen' && action === 'report' && (m = /^QR code of (\d+)$/.exec(note)))
    return { key: 'timeline.qrReport', params: { region: m[1]! } };
  if (actor !== 'system') return null;
  if (action === 'report' && (m = /^priority (\d) alarm: an incident at once$/.exec(note)))
    return { key: 'timeline.alarmIncident', params: { priority: Number(m[1]) } };
  if (action === 'sla_breach' && (m = /^(\w+) deadline passed; escalated one level up$/.exec(note)) && stageOf(m[1]!))
    return { key: 'timeline.slaBreach', params: { stage: m[1] as (typeof SLA_STAGES)[number] } };
  if (action === 'risk_high' && (m = /^risk score (\d+(?:\.\d+)?): high\b/.exec(note)))
    return { key: 'timeline.riskHigh', params: { score: Number(m[1]) } };
  if (action === 'close' && note === 'no citizen rating to wait for')
    return { key: 'timeline.noRatingToWait', params: {} };
  if (action === 'close' && note === 'rated by the citizen') return { key: 'timeline.rated', params: {} };
  if (action === 'close' && (m = /^no rating within (\d+) h$/.exec(note)))
    return { key: 'timeline.ratingTimeout', params: { hours: Number(m[1]) } };
  return null;
}

const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);
const isReportSource = (s: string): s is (typeof REPORT_SOURCES)[number] =>
  (REPORT_SOURCES as readonly string[]).includes(s);

/** A stored summary: the key's JSON, or one of the sentences older hubs wrote for its kind. */
export function summaryOf(kind: SourceRow['kind'], stored: string): SourceSummary {
  if (stored.startsWith('{')) {
    const parsed = sourceSummary.safeParse(safeJson(stored));
    if (parsed.success) return parsed.data;
  }
  let m: RegExpExecArray | null;
  if (kind === 'alarm' && (m = /^(.*) \(([a-z_]+)\)$/s.exec(stored)) && isEventType(m[2]!))
    return { key: 'source.alarm', params: { rule: m[1]!, type: m[2] } };
  if (kind === 'report' && (m = /^citizen report(?: \(QR (\d+)\))?$/.exec(stored)))
    return { key: 'source.citizen', params: { region: m[1] ?? null } };
  if (kind === 'report' && (m = /^([a-z]+): (.*)$/s.exec(stored)) && isReportSource(m[1]!))
    return { key: 'source.report', params: { source: m[1], title: m[2]! } };
  if (kind === 'incident' && (m = /^(\S+) (.*)$/s.exec(stored)))
    return { key: 'source.incident', params: { code: m[1]!, title: m[2]! } };
  return { key: 'source.text', params: { text: stored } };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

type StoredFactor = DisputeJson['risk']['factors'][number];

/** A stored risk factor: as written now, or an older one's `detail` sentence read back into its parameters. */
export function factorOf(f: StoredFactor): RiskFactor[] {
  const now = riskFactor.safeParse(f);
  if (now.success) return [now.data];
  const detail = 'detail' in f ? f.detail : '';
  const n = Number(/\d+/.exec(detail)?.[0] ?? 0);
  switch (f.code) {
    case 'repeat_parties':
    case 'repeat_address':
    case 'failed_mediations':
    case 'escalations':
      return [{ code: f.code, params: { n }, points: f.points }];
    case 'category': {
      const category = /^category (\w+)$/.exec(detail)?.[1];
      return category && (RISK_CATEGORIES as readonly string[]).includes(category)
        ? [{ code: 'category', params: { category: category as (typeof RISK_CATEGORIES)[number] }, points: f.points }]
        : [];
    }
    case 'threat_words': {
      const words = detail.replace(/^threat words: /, '');
      return [{ code: 'threat_words', params: { words: words ? words.split(', ') : [] }, points: f.points }];
    }
    default:
      // A code this hub does not know: its points still count in the score, but it has no sentence.
      return [];
  }
}
