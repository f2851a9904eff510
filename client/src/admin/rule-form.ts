/**
 * The rule editor's form, pure (issue 15): a rule as the form edits it (every kind's fields at
 * once, so switching kind loses nothing typed), the rule it makes, checked by the same shared
 * `ruleSchema` the hub parses `PUT /rules/:id` with, and each problem put on the form field it
 * names, whether the schema found it here or the hub answered 400 (`body.zoneIds[2]: no zone …`).
 */
import { ruleSchema, type Priority, type Rule, type RuleAction } from '@shared/rules';
import type { EventType } from '@shared/ingest';
import type { CameraKind, FacilityKind, ZoneKind } from '@shared/world';
import { COVERAGE_NEEDS, type CoverageNeed, type CoverageThresholds } from '@shared/coverage';

/** The kinds a new rule may be; the coverage rule is one per hub (`coverage-gap`), edited, never made. */
export const RULE_KINDS = ['zone', 'facility', 'camera', 'absence'] as const;
export type RuleKind = (typeof RULE_KINDS)[number] | 'coverage';

export interface RuleDraft {
  id: string;
  name: string;
  kind: RuleKind;
  eventTypes: EventType[];
  priority: Priority;
  actions: RuleAction[];
  say: string;
  enabled: boolean;
  /** null: the hub's default fold window. */
  foldMinutes: number | null;
  /** null: never expires. */
  expireMinutes: number | null;
  zoneKinds: ZoneKind[];
  zoneIds: string[];
  /** A time window (Beijing time), else always. */
  windowOn: boolean;
  windowFrom: string | null;
  windowTo: string | null;
  facilityKinds: FacilityKind[];
  /** Camera rules: none means every kind of camera. */
  cameraKinds: CameraKind[];
  hours: number | null;
  /** Coverage: minutes per need (null: not checked city-wide). */
  thresholds: Record<CoverageNeed, number | null>;
  /** Coverage priority areas, a line each: `360102 police=9 fire=12`. */
  areas: string;
  holdSeconds: number | null;
}

/** The form's fields a problem can be shown on; `general` for what names none. */
export const RULE_FIELDS = [
  'id',
  'name',
  'kind',
  'eventTypes',
  'priority',
  'actions',
  'say',
  'enabled',
  'foldMinutes',
  'expireMinutes',
  'zoneKinds',
  'zoneIds',
  'window',
  'facilityKinds',
  'cameraKinds',
  'hours',
  'thresholds',
  'areas',
  'holdSeconds',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number] | 'general';
export type FieldErrors = Partial<Record<RuleField, string>>;

/** A new rule's id: `rule-` and a few random letters (the admin may type another). */
export function newRuleId(random: () => number = Math.random): string {
  return `rule-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}

/** The form's content for a rule, or for a new one (a zone rule, priority 3, enabled). */
export function draftOf(rule: Rule | null, id = newRuleId()): RuleDraft {
  const blank: RuleDraft = {
    id,
    name: '',
    kind: 'zone',
    eventTypes: [],
    priority: 3,
    actions: ['cameras'],
    say: '',
    enabled: true,
    foldMinutes: null,
    expireMinutes: null,
    zoneKinds: [],
    zoneIds: [],
    windowOn: false,
    windowFrom: '22:00',
    windowTo: '06:00',
    facilityKinds: [],
    cameraKinds: [],
    hours: 48,
    thresholds: { police: null, grid_worker: null, fire: null, medical: null },
    areas: '',
    holdSeconds: 60,
  };
  if (!rule) return blank;
  const d: RuleDraft = {
    ...blank,
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    eventTypes: [...rule.eventTypes],
    priority: rule.priority,
    actions: [...rule.actions],
    say: rule.say ?? '',
    enabled: rule.enabled,
    foldMinutes: rule.foldMinutes ?? null,
    expireMinutes: rule.expireMinutes ?? null,
  };
  if (rule.kind === 'zone') {
    d.zoneKinds = [...(rule.zoneKinds ?? [])];
    d.zoneIds = [...(rule.zoneIds ?? [])];
    if (rule.window) Object.assign(d, { windowOn: true, windowFrom: rule.window.from, windowTo: rule.window.to });
  } else if (rule.kind === 'facility') d.facilityKinds = [...rule.facilityKinds];
  else if (rule.kind === 'camera') d.cameraKinds = [...(rule.cameraKinds ?? [])];
  else if (rule.kind === 'absence') d.hours = rule.hours;
  else {
    for (const n of COVERAGE_NEEDS) d.thresholds[n] = rule.thresholds[n] ?? null;
    d.areas = rule.areas.map((a) => areaLine(a.regionCode, a.thresholds)).join('\n');
    d.holdSeconds = rule.holdSeconds;
  }
  return d;
}

/** One priority area as the form shows it: `360102 police=9 fire=12`. */
export function areaLine(code: string, t: CoverageThresholds): string {
  return [code, ...COVERAGE_NEEDS.flatMap((n) => (t[n] === undefined ? [] : [`${n}=${t[n]}`]))].join(' ');
}

/**
 * The areas the form's lines say, unchecked: a line is a region code and `need=minutes` pairs; a
 * word that is not a pair, or a number that is not one, goes through as it is for ruleSchema to name.
 */
export function parseAreas(text: string): { regionCode: string; thresholds: Record<string, unknown> }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [code = '', ...pairs] = line.split(/\s+/);
      const thresholds: Record<string, unknown> = {};
      for (const p of pairs) {
        const m = /^([a-z_]+)=(.*)$/.exec(p);
        if (!m) thresholds[p] = true;
        else thresholds[m[1]!] = m[2] !== '' && Number.isFinite(Number(m[2])) ? Number(m[2]) : m[2];
      }
      return { regionCode: code, thresholds };
    });
}

/** The rule the form makes, unchecked: what is sent, and what ruleSchema judges. */
export function ruleOf(d: RuleDraft): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: d.id.trim(),
    name: d.name.trim(),
    kind: d.kind,
    eventTypes: d.eventTypes,
    priority: d.priority,
    actions: d.actions,
    enabled: d.enabled,
  };
  if (d.say.trim()) base.say = d.say.trim();
  if (d.foldMinutes !== null) base.foldMinutes = d.foldMinutes;
  if (d.expireMinutes !== null) base.expireMinutes = d.expireMinutes;
  switch (d.kind) {
    case 'zone':
      if (d.zoneKinds.length) base.zoneKinds = d.zoneKinds;
      if (d.zoneIds.length) base.zoneIds = d.zoneIds;
      if (d.windowOn) base.window = { from: d.windowFrom ?? '', to: d.windowTo ?? '' };
      break;
    case 'facility':
      base.facilityKinds = d.facilityKinds;
      break;
    case 'camera':
      if (d.cameraKinds.length) base.cameraKinds = d.cameraKinds;
      break;
    case 'absence':
      if (d.hours !== null) base.hours = d.hours;
      break;
    case 'coverage':
      base.thresholds = Object.fromEntries(
        COVERAGE_NEEDS.flatMap((n) => (d.thresholds[n] === null ? [] : [[n, d.thresholds[n]]])),
      );
      base.areas = parseAreas(d.areas);
      if (d.holdSeconds !== null) base.holdSeconds = d.holdSeconds;
      break;
  }
  return base;
}

/** The form field a problem's path names (['window', 'to'] → window, ['zoneIds', 2] → zoneIds). */
export function fieldOf(path: readonly PropertyKey[]): RuleField {
  const head = path[0];
  return typeof head === 'string' && (RULE_FIELDS as readonly string[]).includes(head)
    ? (head as RuleField)
    : 'general';
}

/** The rule, or each field's first problem as ruleSchema words it. */
export function checkDraft(d: RuleDraft): { ok: true; rule: Rule } | { ok: false; errors: FieldErrors } {
  const r = ruleSchema.safeParse(ruleOf(d));
  if (r.success) return { ok: true, rule: r.data };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) errors[fieldOf(i.path)] ??= i.message;
  return { ok: false, errors };
}

/**
 * The fields a hub's 400 names: from its details' issues (`{ path: 'body.foldMinutes', message }`)
 * when it lists them, else from its message (`body.zoneIds[2]: no zone "x"`). What names no field
 * of the form is `general`.
 */
export function serverFieldErrors(message: string, details?: unknown): FieldErrors {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  const listed = Array.isArray(issues)
    ? issues.filter(
        (i): i is { path: string; message: string } =>
          typeof (i as { path?: unknown }).path === 'string' &&
          typeof (i as { message?: unknown }).message === 'string',
      )
    : [];
  const errors: FieldErrors = {};
  if (listed.length) {
    for (const i of listed) errors[fieldOfPath(i.path)] ??= i.message;
    return errors;
  }
  const m = /^([^:]+): (.*)$/s.exec(message);
  errors[m ? fieldOfPath(m[1]!) : 'general'] = m && fieldOfPath(m[1]!) !== 'general' ? m[2]! : message;
  return errors;
}

/** 'body.zoneIds[2]', 'body.zoneIds.2', 'body.window.to' → the field; anything else → general. */
function fieldOfPath(path: string): RuleField {
  const m = /^body\.([A-Za-z]+)/.exec(path);
  return m ? fieldOf([m[1]!]) : 'general';
}
