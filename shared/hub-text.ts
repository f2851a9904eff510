/**
 * What the hub itself writes for a screen, as keys with parameters (issue 15): an incident's
 * timeline notes, where it came from (its sources) and a dispute's risk factors. The hub never
 * writes a sentence; each screen says it in its own language (the client's `hub` i18n table), so a
 * zh-CN desk shows no English. Codes among the parameters (an SLA stage, an event type, a category,
 * an incident source) are translated by the screen too. Free text a person typed stays as typed and
 * travels beside these (a timeline entry's `note`).
 *
 * Rows written before this carry English sentences; the hub maps the known ones to these keys when
 * it reads them (server/services/incidents/stored-text.ts).
 */
import { z } from 'zod';
import { EVENT_TYPES, RISK_CATEGORIES } from './ingest';
import { SLA_STAGES } from './sla';

/** The sources of an incident made through POST /incidents (incident-intake): the screen names each. */
export const REPORT_SOURCES = ['dispatcher', 'hotline', 'field'] as const;

const count = z.number().int().min(0);

/** A note the hub writes on a timeline entry (never a person's words). */
export const hubNote = z.discriminatedUnion('key', [
  /** An alarm of a rule that makes incidents at once (priority 1) made this one. */
  z.object({ key: z.literal('timeline.alarmIncident'), params: z.object({ priority: z.number().int() }) }),
  /** A stage's deadline passed: flagged and escalated one level up. */
  z.object({ key: z.literal('timeline.slaBreach'), params: z.object({ stage: z.enum(SLA_STAGES) }) }),
  /** A dispute's risk turned high (民转刑 early warning): escalated and supervised. */
  z.object({ key: z.literal('timeline.riskHigh'), params: z.object({ score: z.number() }) }),
  /** Verified, and no citizen to rate it (not a citizen's report): closed at once. */
  z.object({ key: z.literal('timeline.noRatingToWait'), params: z.object({}) }),
  /** The citizen rated it: closed. */
  z.object({ key: z.literal('timeline.rated'), params: z.object({}) }),
  /** Verified, and the citizen did not rate it within the window: closed. */
  z.object({ key: z.literal('timeline.ratingTimeout'), params: z.object({ hours: count }) }),
  /** A citizen's report sent from the QR code of a grid or community. */
  z.object({ key: z.literal('timeline.qrReport'), params: z.object({ region: z.string() }) }),
]);
export type HubNote = z.infer<typeof hubNote>;

/** What one source of an incident was (an alarm, a report, an incident merged in). */
export const sourceSummary = z.discriminatedUnion('key', [
  z.object({
    key: z.literal('source.alarm'),
    params: z.object({ rule: z.string(), type: z.enum(EVENT_TYPES) }),
  }),
  z.object({
    key: z.literal('source.report'),
    params: z.object({ source: z.enum(REPORT_SOURCES), title: z.string() }),
  }),
  z.object({ key: z.literal('source.citizen'), params: z.object({ region: z.string().nullable() }) }),
  z.object({ key: z.literal('source.incident'), params: z.object({ code: z.string(), title: z.string() }) }),
  /** A summary stored in no known form (shown as stored: it is data, not the hub's sentence). */
  z.object({ key: z.literal('source.text'), params: z.object({ text: z.string() }) }),
]);
export type SourceSummary = z.infer<typeof sourceSummary>;

/**
 * One factor of a dispute's risk score (shared/dispute-risk.ts): its code says what, `params` how
 * much, `points` what it adds. The screen writes the sentence (同一当事人近一年第3次 / "same parties…").
 */
export const riskFactor = z.discriminatedUnion('code', [
  z.object({ code: z.literal('repeat_parties'), params: z.object({ n: count }), points: z.number() }),
  z.object({ code: z.literal('repeat_address'), params: z.object({ n: count }), points: z.number() }),
  z.object({
    code: z.literal('category'),
    params: z.object({ category: z.enum(RISK_CATEGORIES) }),
    points: z.number(),
  }),
  z.object({ code: z.literal('failed_mediations'), params: z.object({ n: count }), points: z.number() }),
  z.object({ code: z.literal('escalations'), params: z.object({ n: count }), points: z.number() }),
  /** The words found, as written in the text (data: they are quoted, not translated). */
  z.object({ code: z.literal('threat_words'), params: z.object({ words: z.array(z.string()) }), points: z.number() }),
]);
export type RiskFactor = z.infer<typeof riskFactor>;
export type RiskFactorCode = RiskFactor['code'];

/** Every key of the unions above, for the screens' tables and their test (each has a sentence in each language). */
export const HUB_NOTE_KEYS = hubNote.options.map((o) => o.shape.key.value);
export const SOURCE_SUMMARY_KEYS = sourceSummary.options.map((o) => o.shape.key.value);
export const RISK_FACTOR_CODES = riskFactor.options.map((o) => o.shape.code.value);
