/**
 * OASIS CAP 1.2 out (issue 18): the hub's alarms and incidents as Common Alerting Protocol
 * messages for other agencies' systems, and the Atom 1.0 index (RFC 4287) of the current ones.
 * Pure: mapping tables, the message rules, and two XML writers from plain inputs (no I/O, no clock).
 *
 * What we decided:
 * - One object, many messages. A message is one version of an alarm or an incident. Its identifier is
 *   `<sender>:alarm:<id>:<v>` / `<sender>:incident:<id>:<v>`. An incident's v is its `version` (1 at
 *   creation, +1 on every write). An alarm has no version of its own: v is 1 while it is as it was
 *   raised (never written since, still `new`), else its `rev` (the hub-wide change sequence, which
 *   is above its creation rev ≥ 1, so never 1 again). So v = 1 is always the object's first message,
 *   sent at its `createdAt`: msgType Alert; every later one is an Update, or a Cancel (an alarm
 *   marked false or expired unhandled, an incident cancelled or merged), and carries
 *   `references` = `<sender>,<identifier of v 1>,<createdAt>`: always a message that was the Alert.
 * - `sent` is the version's time (`updatedAt`) in China Standard Time, `+08:00`, whole seconds (the
 *   schema's pattern has no fraction and no `Z`). Every time here is written that way.
 * - Scope Restricted, with a `<restriction>` in Chinese: the messages are government-internal; who
 *   may receive them is whoever the hub gave an integration key (or a reading role), inside its
 *   region scope; we do not address named recipients (Private would need their addresses).
 * - Categories: CAP_CATEGORY_OF below (our 29 categories, and device and hub event types that
 *   mean something else than their incident category); event: the Chinese name (categories from
 *   incident-categories.ts, the other event types from event-type-names.ts, which the client's alarm
 *   queue shows too). Urgency, severity and certainty come from our priority (PRIORITY_CAP); a message
 *   of something that ended is urgency Past; a false alarm's certainty is Unlikely.
 * - Area: the grid's district and grid names (areaDesc); a zone polygon as `<polygon>` (its outer
 *   ring, closed), a circle zone as its `<circle>`, anything else a circle of 0.05 km round the point
 *   (CAP writes `lat,lon`, we hold `[lon, lat]`: swapped here, once); geocode `GB/T 2260` = the
 *   district code (the grid code's first 6 digits).
 * - Text: every string goes through `xmlText`: characters XML 1.0 cannot hold (C0 controls but tab
 *   and newline, lone surrogates, U+FFFE/U+FFFF) are dropped, CR LF becomes LF, `& < >` (and quotes
 *   in attributes) are escaped. Written by hand rather than with fast-xml-parser: shared/ imports no
 *   such package, and the element order the schema demands is the code's order.
 */
import EVENT_TYPE_NAMES from './event-type-names';
import { CATEGORIES, categoryOfEvent, type RiskCategory } from './incident-categories';
import { RISK_CATEGORIES, type EventType } from './ingest';
import type { AlarmStatus } from './alarms';
import type { IncidentStatus } from './incident-machine';
import type { LonLat } from './world';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
export const CAP_MEDIA_TYPE = 'application/cap+xml; charset=utf-8';
export const ATOM_MEDIA_TYPE = 'application/atom+xml; charset=utf-8';
/** The feed holds at most this many messages, newest first. */
export const CAP_FEED_LIMIT = 500;
/** Ended alarms and incidents stay in the feed this long (as their Cancel or final Update). */
export const CAP_ENDED_KEEP_MS = 24 * 3_600_000;
/** A point's area: a circle of this radius. */
export const CAP_POINT_RADIUS_KM = 0.05;
export const CAP_HEADLINE_MAX = 160;
/** China Standard Time: no daylight saving, so one fixed offset. */
const OFFSET_MS = 8 * 3_600_000;
const OFFSET = '+08:00';

export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
export type CapCertainty = 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';
export type CapResponseType =
  'Shelter' | 'Evacuate' | 'Prepare' | 'Execute' | 'Avoid' | 'Monitor' | 'Assess' | 'AllClear' | 'None';

/** Our 29 categories as CAP's. */
export const CATEGORY_CAP: Readonly<Record<RiskCategory, CapCategory>> = {
  public_order: 'Security',
  criminal_case: 'Security',
  theft: 'Security',
  fraud: 'Security',
  dispute_neighbour: 'Other',
  dispute_family: 'Other',
  dispute_property: 'Other',
  dispute_labour: 'Other',
  dispute_land: 'Other',
  dispute_traffic: 'Transport',
  dispute_consumer: 'Other',
  petition: 'Other',
  fire_hazard: 'Fire',
  ebike_violation: 'Fire',
  high_throw: 'Safety',
  gas_hazard: 'Safety',
  building_hazard: 'Safety',
  road_facility: 'Transport',
  illegal_parking: 'Transport',
  street_vending: 'Other',
  noise: 'Env',
  sanitation: 'Env',
  illegal_building: 'Other',
  railway_safety: 'Transport',
  school_safety: 'Security',
  hospital_safety: 'Security',
  key_person: 'Security',
  vulnerable_care: 'Health',
  crowd_gathering: 'Security',
};

/**
 * Device and hub event types whose CAP category is not their incident category's: a camera gone
 * blind or a device's own alarm is the infrastructure's trouble, an old person not seen is a rescue,
 * a missed deadline or a gap in cover is the hub's own business.
 */
const EVENT_TYPE_CAP: Partial<Readonly<Record<EventType, CapCategory>>> = {
  smoke: 'Fire',
  video_loss: 'Infra',
  camera_tamper: 'Security',
  device_alarm: 'Infra',
  resident_absence: 'Rescue',
  sla_breach: 'Other',
  coverage_gap: 'Other',
};

const isCategory = (t: string): t is RiskCategory => (RISK_CATEGORIES as readonly string[]).includes(t);

/** CAP's `<event>`: the Chinese name of an event type or category. */
export function eventName(type: EventType): string {
  // A type this hub no longer knows (an old row) is named as stored.
  return (isCategory(type) ? CATEGORIES[type].zh : EVENT_TYPE_NAMES[type]?.zh) ?? String(type);
}

/** CAP's `<category>` of an event type (an alarm's) or a category (an incident's). */
export function capCategoryOf(type: EventType): CapCategory {
  return EVENT_TYPE_CAP[type] ?? CATEGORY_CAP[categoryOfEvent(type)];
}

/** Our priority (1 most urgent … 4) as CAP's urgency, severity and certainty. */
export const PRIORITY_CAP: Readonly<
  Record<1 | 2 | 3 | 4, { urgency: CapUrgency; severity: CapSeverity; certainty: CapCertainty; zh: string }>
> = {
  1: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed', zh: '一级' },
  2: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', zh: '二级' },
  3: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely', zh: '三级' },
  4: { urgency: 'Future', severity: 'Minor', certainty: 'Possible', zh: '四级' },
};

export const ALARM_STATUS_ZH: Readonly<Record<AlarmStatus, string>> = {
  new: '待处置',
  acknowledged: '已确认',
  false_alarm: '误报',
  incident: '已转事件',
  expired: '超时未处置',
  cleared: '已消除',
};

export const INCIDENT_STATUS_ZH: Readonly<Record<IncidentStatus, string>> = {
  reported: '已上报',
  accepted: '已受理',
  dispatched: '已派遣',
  unit_accepted: '处置力量已接单',
  on_scene: '已到场',
  resolved: '已处置',
  verified: '已核查',
  rated: '已评价',
  closed: '已办结',
  merged: '已合并',
  cancelled: '已撤销',
};

export const CAP_RESTRICTION =
  '政府内部信息：仅供获授权的政府部门与应急联动单位在其辖区范围内使用，不得向公众发布或转发。';

// ---------------------------------------------------------------- text and time

/** Characters XML 1.0 cannot hold: C0 controls but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A string as XML 1.0 can hold it: what it cannot hold dropped, CR LF and CR as LF. */
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML, '').replace(/\r\n?/g, '\n');
}

/** Element text: xmlSafe, then `& < >` escaped. */
export function xmlText(s: string): string {
  return xmlSafe(s).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** An attribute value in double quotes: as xmlText, and `"`, tab and LF as references (kept, not normalised away). */
function xmlAttr(s: string): string {
  return xmlText(s).replace(/["\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** At most `max` characters (code points), after xmlSafe. */
export function clip(s: string, max: number): string {
  const chars = Array.from(xmlSafe(s));
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…';
}

/** A CAP (and Atom) time: `2024-05-09T10:37:45+08:00`, whole seconds, never `Z`. */
export function capTime(ms: number): string {
  const s = Math.floor(ms / 1000) * 1000;
  return new Date(s + OFFSET_MS).toISOString().slice(0, 19) + OFFSET;
}

/** A coordinate or radius in decimal degrees or km: at most 6 decimals (~0.1 m), never exponent notation. */
function num(x: number): string {
  const s = x.toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** CAP's `lat,lon`. */
export function capPoint([lon, lat]: LonLat): string {
  return `${num(lat)},${num(lon)}`;
}

// ---------------------------------------------------------------- the message

export interface CapArea {
  areaDesc: string;
  /** One closed ring, `[lon, lat]` as we hold them (written lat,lon, closed if it is not). */
  polygon?: readonly LonLat[];
  circle?: { center: LonLat; radiusKm: number };
  geocodes: readonly { valueName: string; value: string }[];
}

export interface CapReference {
  sender: string;
  identifier: string;
  /** ms */
  sent: number;
}

/** One `<alert>` with one `<info>`, as plain data (times in ms). */
export interface CapAlertInput {
  identifier: string;
  sender: string;
  sent: number;
  msgType: CapMsgType;
  restriction: string;
  note?: string;
  references?: readonly CapReference[];
  /** Our incident ids this message belongs to (space-separated in `<incidents>`). */
  incidents?: readonly string[];
  info: {
    category: readonly CapCategory[];
    event: string;
    responseType: readonly CapResponseType[];
    urgency: CapUrgency;
    severity: CapSeverity;
    certainty: CapCertainty;
    effective?: number;
    onset?: number;
    expires?: number;
    senderName: string;
    headline: string;
    description: string;
    parameters: readonly { valueName: string; value: string }[];
    area: CapArea | null;
  };
}

/** CAP forbids spaces, commas and `<`, `&` in identifiers and senders (references are built of them). */
const CAP_TOKEN = /^[^\s,<&]+$/;

function el(name: string, text: string, indent: string): string {
  return `${indent}<${name}>${xmlText(text)}</${name}>\n`;
}

function pair(name: string, p: { valueName: string; value: string }, indent: string): string {
  return `${indent}<${name}>\n${el('valueName', p.valueName, indent + '  ')}${el('value', p.value, indent + '  ')}${indent}</${name}>\n`;
}

function closedLength(ring: readonly LonLat[]): number {
  const [f, l] = [ring[0], ring[ring.length - 1]];
  return ring.length + (f && l && (f[0] !== l[0] || f[1] !== l[1]) ? 1 : 0);
}

/** A closed ring in CAP's form (at least 4 points, first = last). */
export function capPolygon(ring: readonly LonLat[]): string {
  const pts = ring.slice();
  if (closedLength(ring) > ring.length) pts.push(ring[0]!);
  if (pts.length < 4) throw new Error(`a CAP polygon needs 3 distinct points or more; got ${ring.length}`);
  return pts.map(capPoint).join(' ');
}

/** The `<alert>` document (UTF-8, with its declaration). */
export function capAlert(a: CapAlertInput): string {
  for (const [what, v] of [
    ['sender', a.sender],
    ['identifier', a.identifier],
    ...(a.references ?? []).flatMap((r) => [
      ['references.sender', r.sender],
      ['references.identifier', r.identifier],
    ]),
  ] as const)
    if (!CAP_TOKEN.test(v)) throw new Error(`CAP ${what} must hold no space, comma, < or &: ${JSON.stringify(v)}`);
  const i = a.info;
  const s = '  ';
  const t = '    ';
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NAMESPACE}">\n`;
  x += el('identifier', a.identifier, s);
  x += el('sender', a.sender, s);
  x += el('sent', capTime(a.sent), s);
  x += el('status', 'Actual', s);
  x += el('msgType', a.msgType, s);
  x += el('scope', 'Restricted', s);
  x += el('restriction', a.restriction, s);
  if (a.note) x += el('note', a.note, s);
  if (a.references?.length)
    x += el('references', a.references.map((r) => `${r.sender},${r.identifier},${capTime(r.sent)}`).join(' '), s);
  if (a.incidents?.length) x += el('incidents', a.incidents.join(' '), s);
  x += `${s}<info>\n`;
  x += el('language', 'zh-CN', t);
  for (const c of i.category) x += el('category', c, t);
  x += el('event', i.event, t);
  for (const r of i.responseType) x += el('responseType', r, t);
  x += el('urgency', i.urgency, t);
  x += el('severity', i.severity, t);
  x += el('certainty', i.certainty, t);
  if (i.effective !== undefined) x += el('effective', capTime(i.effective), t);
  if (i.onset !== undefined) x += el('onset', capTime(i.onset), t);
  if (i.expires !== undefined) x += el('expires', capTime(i.expires), t);
  x += el('senderName', i.senderName, t);
  x += el('headline', clip(i.headline, CAP_HEADLINE_MAX), t);
  x += el('description', i.description, t);
  for (const p of i.parameters) x += pair('parameter', p, t);
  if (i.area) {
    const u = t + '  ';
    x += `${t}<area>\n`;
    x += el('areaDesc', i.area.areaDesc, u);
    if (i.area.polygon) x += el('polygon', capPolygon(i.area.polygon), u);
    if (i.area.circle) x += el('circle', `${capPoint(i.area.circle.center)} ${num(i.area.circle.radiusKm)}`, u);
    for (const g of i.area.geocodes) x += pair('geocode', g, u);
    x += `${t}</area>\n`;
  }
  x += `${s}</info>\n</alert>\n`;
  return x;
}

// ---------------------------------------------------------------- alarms and incidents as messages

/** Who sends: a stable id (no spaces or commas) and a name for people. */
export interface CapHub {
  sender: string;
  senderName: string;
}

/** Where: the region names for areaDesc, and a zone's shape when the object lies in one. */
export interface CapPlace {
  /** The district's and the grid's names, e.g. 东湖区 · 百花洲社区第3网格. */
  areaDesc: string;
  /** A zone that holds the object: its polygon's outer ring, or its circle. */
  zone?: { polygon: readonly LonLat[] } | { center: LonLat; radiusM: number } | null;
}

/** What of an alarm goes into its message (times in ms). */
export interface CapAlarmFacts {
  id: string;
  rev: number;
  status: AlarmStatus;
  priority: number;
  eventType: EventType;
  eventAt: number;
  ruleId: string;
  ruleName: string;
  gridCode: string;
  position: LonLat;
  zoneName: string | null;
  count: number;
  lastAt: number;
  expiresAt: number | null;
  incidentId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What of an incident goes into its message (times in ms). No reporter, no parties: personal data stays home. */
export interface CapIncidentFacts {
  id: string;
  code: string;
  version: number;
  status: IncidentStatus;
  category: RiskCategory;
  priority: number;
  title: string;
  description: string;
  address: string;
  department: string;
  gridCode: string;
  position: LonLat;
  mergedInto: string | null;
  createdAt: number;
  updatedAt: number;
}

const ALARM_ENDED: ReadonlySet<AlarmStatus> = new Set(['false_alarm', 'incident', 'expired', 'cleared']);
const ALARM_CANCELLED: ReadonlySet<AlarmStatus> = new Set(['false_alarm', 'expired']);
const INCIDENT_ENDED: ReadonlySet<IncidentStatus> = new Set(['closed', 'merged', 'cancelled']);
const INCIDENT_CANCELLED: ReadonlySet<IncidentStatus> = new Set(['merged', 'cancelled']);

/** An alarm's message version: 1 while it is as raised, else its rev (see the header). */
export function alarmVersion(a: Pick<CapAlarmFacts, 'rev' | 'status' | 'createdAt' | 'updatedAt'>): number {
  return a.status === 'new' && a.updatedAt <= a.createdAt ? 1 : a.rev;
}

export function alarmIdentifier(sender: string, id: string, version: number): string {
  return `${sender}:alarm:${id}:${version}`;
}

export function incidentIdentifier(sender: string, id: string, version: number): string {
  return `${sender}:incident:${id}:${version}`;
}

function priorityOf(p: number): 1 | 2 | 3 | 4 {
  return (Math.min(4, Math.max(1, Math.round(p))) as 1 | 2 | 3 | 4) || 4;
}

function area(gridCode: string, position: LonLat, place: CapPlace | null): CapArea | null {
  if (!place) return null;
  const z = place.zone;
  const geocodes = [{ valueName: 'GB/T 2260', value: gridCode.slice(0, 6) }];
  if (z && 'polygon' in z && closedLength(z.polygon) >= 4)
    return { areaDesc: place.areaDesc, polygon: z.polygon, geocodes };
  if (z && 'center' in z)
    return { areaDesc: place.areaDesc, circle: { center: z.center, radiusKm: z.radiusM / 1000 }, geocodes };
  return { areaDesc: place.areaDesc, circle: { center: position, radiusKm: CAP_POINT_RADIUS_KM }, geocodes };
}

/** The message of an alarm's current state. `place` null: without `<area>` (the feed's entries need none). */
export function alarmMessage(a: CapAlarmFacts, hub: CapHub, place: CapPlace | null): CapAlertInput {
  const v = alarmVersion(a);
  const ended = ALARM_ENDED.has(a.status);
  const cancelled = ALARM_CANCELLED.has(a.status);
  const msgType: CapMsgType = v === 1 ? 'Alert' : cancelled ? 'Cancel' : 'Update';
  const p = PRIORITY_CAP[priorityOf(a.priority)];
  const name = eventName(a.eventType);
  const note: Partial<Record<AlarmStatus, string>> = {
    false_alarm: '经核实为误报，撤销此前信息。',
    expired: '超时未处置，系统已关闭，撤销此前信息。',
    incident: '已转为事件处置，后续见该事件的信息。',
    cleared: '报警所述情况已消除。',
    acknowledged: '报警已由指挥中心确认，正在核实。',
  };
  const when = (ms: number) => capTime(ms).replace('T', ' ').slice(0, 19);
  const lines = [
    `${p.zh}报警：${name}${a.zoneName ? `（${a.zoneName}）` : ''}。`,
    `规则：${a.ruleName}；状态：${ALARM_STATUS_ZH[a.status]}。`,
    `事件时间：${when(a.eventAt)}${a.count > 1 ? `；累计 ${a.count} 次，最近一次 ${when(a.lastAt)}` : ''}。`,
  ];
  const headline = `${cancelled ? '【已撤销】' : ended && a.status !== 'incident' ? '【已结束】' : ''}${p.zh} ${name}${a.zoneName ? `：${a.zoneName}` : ''}`;
  return {
    identifier: alarmIdentifier(hub.sender, a.id, v),
    sender: hub.sender,
    sent: v === 1 ? a.createdAt : a.updatedAt,
    msgType,
    restriction: CAP_RESTRICTION,
    ...(v !== 1 && note[a.status] ? { note: note[a.status] } : {}),
    ...(v !== 1
      ? { references: [{ sender: hub.sender, identifier: alarmIdentifier(hub.sender, a.id, 1), sent: a.createdAt }] }
      : {}),
    ...(a.incidentId ? { incidents: [a.incidentId] } : {}),
    info: {
      category: [capCategoryOf(a.eventType)],
      event: name,
      responseType: [
        cancelled ? 'None' : a.status === 'cleared' ? 'AllClear' : a.status === 'incident' ? 'Monitor' : 'Assess',
      ],
      urgency: ended && a.status !== 'incident' ? 'Past' : p.urgency,
      severity: p.severity,
      certainty: a.status === 'false_alarm' ? 'Unlikely' : a.status === 'acknowledged' ? 'Observed' : p.certainty,
      effective: v === 1 ? a.createdAt : a.updatedAt,
      onset: a.eventAt,
      ...(ended ? { expires: a.updatedAt + CAP_ENDED_KEEP_MS } : a.expiresAt !== null ? { expires: a.expiresAt } : {}),
      senderName: hub.senderName,
      headline,
      description: lines.join('\n'),
      parameters: [
        { valueName: 'objectType', value: 'alarm' },
        { valueName: 'alarmId', value: a.id },
        { valueName: 'rev', value: String(a.rev) },
        { valueName: 'status', value: a.status },
        { valueName: 'priority', value: String(a.priority) },
        { valueName: 'eventType', value: a.eventType },
        { valueName: 'ruleId', value: a.ruleId },
        { valueName: 'gridCode', value: a.gridCode },
        ...(a.incidentId ? [{ valueName: 'incidentId', value: a.incidentId }] : []),
      ],
      area: area(a.gridCode, a.position, place),
    },
  };
}

/** The message of an incident's current state (`place` null: without `<area>`). */
export function incidentMessage(n: CapIncidentFacts, hub: CapHub, place: CapPlace | null): CapAlertInput {
  const v = n.version;
  const ended = INCIDENT_ENDED.has(n.status);
  const cancelled = INCIDENT_CANCELLED.has(n.status);
  const msgType: CapMsgType = v <= 1 ? 'Alert' : cancelled ? 'Cancel' : 'Update';
  const p = PRIORITY_CAP[priorityOf(n.priority)];
  const name = CATEGORIES[n.category]?.zh ?? n.category;
  const note: Partial<Record<IncidentStatus, string>> = {
    closed: '事件已办结。',
    cancelled: '事件已撤销，撤销此前信息。',
    merged: `事件已并入另一事件${n.mergedInto ? `（${n.mergedInto}）` : ''}，撤销此前信息。`,
  };
  const headline = `${cancelled ? '【已撤销】' : ended ? '【已办结】' : ''}${name}：${n.title}`;
  const description = [
    n.description,
    `地址：${n.address || '—'}`,
    `事件编号：${n.code}；状态：${INCIDENT_STATUS_ZH[n.status]}；等级：${p.zh}；责任部门：${n.department}。`,
  ]
    .filter((l) => l.length > 0)
    .join('\n');
  return {
    identifier: incidentIdentifier(hub.sender, n.id, v),
    sender: hub.sender,
    sent: v <= 1 ? n.createdAt : n.updatedAt,
    msgType,
    restriction: CAP_RESTRICTION,
    ...(v > 1 && note[n.status] ? { note: note[n.status] } : {}),
    ...(v > 1
      ? {
          references: [{ sender: hub.sender, identifier: incidentIdentifier(hub.sender, n.id, 1), sent: n.createdAt }],
        }
      : {}),
    incidents: n.mergedInto ? [n.id, n.mergedInto] : [n.id],
    info: {
      category: [CATEGORY_CAP[n.category] ?? 'Other'],
      event: name,
      responseType: [cancelled ? 'None' : ended ? 'AllClear' : 'Monitor'],
      urgency: ended ? 'Past' : p.urgency,
      severity: p.severity,
      certainty: n.status === 'cancelled' ? 'Unlikely' : 'Observed',
      effective: v <= 1 ? n.createdAt : n.updatedAt,
      onset: n.createdAt,
      ...(ended ? { expires: n.updatedAt + CAP_ENDED_KEEP_MS } : {}),
      senderName: hub.senderName,
      headline,
      description,
      parameters: [
        { valueName: 'objectType', value: 'incident' },
        { valueName: 'incidentId', value: n.id },
        { valueName: 'incidentCode', value: n.code },
        { valueName: 'version', value: String(n.version) },
        { valueName: 'status', value: n.status },
        { valueName: 'priority', value: String(n.priority) },
        { valueName: 'category', value: n.category },
        { valueName: 'gridCode', value: n.gridCode },
        ...(n.mergedInto ? [{ valueName: 'mergedInto', value: n.mergedInto }] : []),
      ],
      area: area(n.gridCode, n.position, place),
    },
  };
}

// ---------------------------------------------------------------- the Atom index

export interface AtomEntryInput {
  /** A permanent IRI of the entry (the object: `urn:uuid:<id>`). */
  id: string;
  title: string;
  /** ms: the message's `sent`. */
  updated: number;
  summary: string;
  /** The CAP message (rel alternate, application/cap+xml). */
  href: string;
}

export interface AtomFeedInput {
  id: string;
  title: string;
  /** ms: when anything in the feed last changed. */
  updated: number;
  author: { name: string; uri?: string };
  selfHref: string;
  entries: readonly AtomEntryInput[];
}

/** An Atom 1.0 feed document (RFC 4287). */
export function atomFeed(f: AtomFeedInput): string {
  const s = '  ';
  const t = '    ';
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="${ATOM_NAMESPACE}" xml:lang="zh-CN">\n`;
  x += el('id', f.id, s);
  x += `${s}<title type="text">${xmlText(f.title)}</title>\n`;
  x += el('updated', capTime(f.updated), s);
  x += `${s}<author>\n${el('name', f.author.name, t)}${f.author.uri ? el('uri', f.author.uri, t) : ''}${s}</author>\n`;
  x += `${s}<link rel="self" type="application/atom+xml" href="${xmlAttr(f.selfHref)}"/>\n`;
  for (const e of f.entries) {
    x += `${s}<entry>\n`;
    x += el('id', e.id, t);
    x += `${t}<title type="text">${xmlText(e.title)}</title>\n`;
    x += el('updated', capTime(e.updated), t);
    x += `${t}<summary type="text">${xmlText(e.summary)}</summary>\n`;
    x += `${t}<link rel="alternate" type="application/cap+xml" href="${xmlAttr(e.href)}"/>\n`;
    x += `${s}</entry>\n`;
  }
  x += '</feed>\n';
  return x;
}
