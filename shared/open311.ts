/**
 * Open311 GeoReport v2 (issue 18) as the hub speaks it: the services (our citizen-reportable
 * categories), the inputs of POST and GET requests, the replies and the spec's error list, how
 * our incident states read as `open`/`closed`, and W3C times. Pure: the service
 * (server/services/open311.service.ts) and the routes (server/routes/open311.ts) use it.
 *
 * Decided:
 * - service_code is our category key, service_name its Chinese label, group its family's Chinese
 *   name (as the citizen's form groups them); every service is `realtime` with metadata false, so
 *   a definition has no attributes. Only the categories a citizen may report are offered
 *   (incident-categories.ts: citizenReportable; not 重点人员动态, a police watch list).
 * - Only citizens' reports (source 'citizen') are Open311 requests; service_request_id is our
 *   incident code (E20260101-000123). The citizen's tracking code never appears in a GET reply.
 * - closed = verified, rated, closed, merged or cancelled; `resolved` stays open (the grid worker
 *   has not yet checked the work, and may send it back).
 * - Times are written at UTC+8 with their offset (2026-01-05T08:15:30+08:00), never Z; inputs take
 *   any W3C offset (Z included, as the spec allows).
 * - Inputs are plain string rules (no transforms: the route doc shows them as they are sent); a
 *   form sends every value as a string, so lat and long take a decimal string or a JSON number.
 * - A location is lat + long (WGS84). We cannot geocode: address_string alone is refused, and
 *   address_id is not supported. Unknown fields are refused by name; attribute[…] values are
 *   checked (every service has metadata false) and not kept.
 */
import { z } from 'zod';
import { CATEGORIES, CITIZEN_CATEGORIES, type CategoryFamily, type RiskCategory } from './incident-categories';
import type { IncidentStatus } from './incident-machine';
import { text } from './text';

export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

export function isOpen311Format(s: string): s is Open311Format {
  return (OPEN311_FORMATS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------- services

/** The families' names as the citizen's form shows them (client/src/i18n/field.zh-CN.ts). */
export const FAMILY_NAMES: Readonly<Record<CategoryFamily, string>> = {
  security: '社会治安',
  dispute: '矛盾纠纷',
  safety: '安全隐患',
  city: '城市管理',
  care: '民生关怀',
};

/** The categories offered as Open311 services: those a citizen may report, in the contract's order. */
export const OPEN311_SERVICE_CODES: readonly RiskCategory[] = CITIZEN_CATEGORIES;

export function isServiceCode(s: string): s is RiskCategory {
  return (OPEN311_SERVICE_CODES as readonly string[]).includes(s);
}

export const open311ServiceEntry = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: z.string(),
  group: z.string(),
});
export type Open311ServiceEntry = z.infer<typeof open311ServiceEntry>;

export function serviceOf(code: RiskCategory): Open311ServiceEntry {
  const c = CATEGORIES[code];
  return {
    service_code: code,
    service_name: c.zh,
    description: `${c.zh}（${c.en}），责任部门：${c.department}`,
    metadata: false,
    type: 'realtime',
    keywords: [c.zh, c.en, c.department, FAMILY_NAMES[c.family]].join(','),
    group: FAMILY_NAMES[c.family],
  };
}

export function open311Services(): Open311ServiceEntry[] {
  return OPEN311_SERVICE_CODES.map(serviceOf);
}

/** A service's definition: no attributes, since no service has metadata. */
export const open311ServiceDefinition = z.object({ service_code: z.string(), attributes: z.array(z.never()) });
export type Open311ServiceDefinition = z.infer<typeof open311ServiceDefinition>;

// ---------------------------------------------------------------- status

export const OPEN311_STATUSES = ['open', 'closed'] as const;
export type Open311Status = (typeof OPEN311_STATUSES)[number];

/** Incident states an Open311 client reads as closed (the rest are open). */
export const OPEN311_CLOSED: readonly IncidentStatus[] = ['verified', 'rated', 'closed', 'merged', 'cancelled'];
export const OPEN311_OPEN: readonly IncidentStatus[] = [
  'reported',
  'accepted',
  'dispatched',
  'unit_accepted',
  'on_scene',
  'resolved',
];

export function open311Status(s: IncidentStatus): Open311Status {
  return OPEN311_CLOSED.includes(s) ? 'closed' : 'open';
}

/** status_notes: where the report is in our loop, in the citizen's words. */
export const STATUS_NOTES: Readonly<Record<IncidentStatus, string>> = {
  reported: '已上报，等待受理',
  accepted: '已受理，正在安排处置',
  dispatched: '已派遣处置力量',
  unit_accepted: '处置力量已接单，正在前往',
  on_scene: '处置力量已到场处置',
  resolved: '已处置，等待核查',
  verified: '已核查办结',
  rated: '已办结，上报人已评价',
  closed: '已结案',
  merged: '与同一事件的其他报告合并办理',
  cancelled: '已撤销',
};

// ---------------------------------------------------------------- times

const UTC8_MS = 8 * 3_600_000;

/** A W3C date-time at UTC+8 with its offset, to the second: 2026-01-05T08:15:30+08:00. */
export function w3cTime(d: Date): string {
  return `${new Date(d.getTime() + UTC8_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The default window of GET requests (the spec's "a span of 90 days"), and its most rows. */
export const OPEN311_DEFAULT_DAYS = 90;
export const OPEN311_MAX_REQUESTS = 1000;
/** Ids one GET may ask for (service_request_id=a,b,c). */
export const OPEN311_MAX_IDS = 100;

// ---------------------------------------------------------------- inputs

const dateTime = z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
  if (!z.iso.datetime({ offset: true }).safeParse(s).success)
    ctx.addIssue({ code: 'custom', message: 'must be a W3C date-time with an offset (2026-01-05T08:00:00+08:00)' });
});

const decimal = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;
/** A coordinate as a form sends it (a decimal string) or as JSON does (a number), within ±max. */
const coordinate = (max: number) =>
  z.union([z.number(), z.string()], { error: 'must be a number' }).superRefine((v, ctx) => {
    const n = typeof v === 'number' ? v : decimal.test(v) && v.length <= 32 ? Number(v) : NaN;
    if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: 'must be a decimal number' });
    else if (Math.abs(n) > max) ctx.addIssue({ code: 'custom', message: `must be -${max} to ${max}` });
  });

const serviceCode = text(64).superRefine((s, ctx) => {
  if (s !== '' && !isServiceCode(s))
    ctx.addIssue({ code: 'custom', message: `unknown service ${JSON.stringify(s)} (GET services.json lists them)` });
});

const ATTRIBUTE_KEY = /^attribute\[([^[\]]{1,64})\]$/;

/** POST requests: the spec's fields (attribute[…] gathered into `attribute` by `gatherAttributes`). */
export const open311RequestInput = z
  .strictObject({
    api_key: text(200).optional(),
    jurisdiction_id: text(64).optional(),
    service_code: serviceCode.min(1, 'must not be empty'),
    lat: coordinate(90).optional(),
    long: coordinate(180).optional(),
    address_string: text(200, { trim: true }).optional(),
    address_id: text(64).optional(),
    email: text(254, { trim: true })
      .regex(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address')
      .optional(),
    device_id: text(64).optional(),
    account_id: text(64).optional(),
    first_name: text(32, { trim: true }).optional(),
    last_name: text(32, { trim: true }).optional(),
    phone: text(32, { trim: true })
      .regex(/^$|^\+?[\d\s()-]{3,32}$/, 'must be a phone number (digits, spaces, + - ( ))')
      .optional(),
    description: text(2000, { trim: true, min: 1 }),
    media_url: text(2000, { trim: true })
      .regex(/^$|^https?:\/\/\S+$/i, 'must be an http(s) URL')
      .optional(),
    attribute: z
      .record(
        text(64),
        z.union([text(500), z.array(text(500)).max(20, 'at most 20 values')], { error: 'must be text' }),
        { error: 'must be an object of attribute values' },
      )
      .refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes')
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.address_id !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['address_id'],
        message: 'not supported: send lat and long (WGS84)',
      });
    else if (b.lat === undefined && b.long === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['lat'],
        message:
          b.address_string === undefined
            ? 'a location is needed: send lat and long (WGS84)'
            : 'we cannot locate an address_string: send lat and long (WGS84) with it',
      });
    else if (b.lat === undefined || b.long === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [b.lat === undefined ? 'lat' : 'long'],
        message: `must be sent with ${b.lat === undefined ? 'long' : 'lat'}`,
      });
  });
export type Open311RequestInput = z.infer<typeof open311RequestInput>;

/**
 * A form's `attribute[code]=value` keys gathered into `attribute: { code: value }` (a JSON body may
 * send either); other keys untouched. Not an object: returned as it is, for the schema to refuse.
 */
export function gatherAttributes(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  let attrs: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const m = ATTRIBUTE_KEY.exec(k);
    if (m) (attrs ??= {})[m[1]!] = v;
    else out[k] = v;
  }
  if (attrs) {
    const given = out.attribute;
    out.attribute = given && typeof given === 'object' && !Array.isArray(given) ? { ...given, ...attrs } : attrs;
  }
  return out;
}

/** A number from a coordinate field (already valid). */
export function coordinateValue(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.trim());
}

/** The reporter's name as our records keep it: family name first, as Chinese names are written. */
export function reporterName(first?: string, last?: string): string | undefined {
  const parts = [last, first].filter((s): s is string => !!s);
  if (parts.length === 0) return undefined;
  const cjk = parts.every((p) => /^[\u3400-\u9fff·]+$/.test(p));
  return parts.join(cjk ? '' : ' ').slice(0, 64);
}

const REQUEST_ID = /^[0-9A-Za-z-]{1,32}$/;
const commaList = (max: number, item: RegExp, what: string) =>
  text(4000).superRefine((s, ctx) => {
    const items = s.split(',').map((x) => x.trim());
    if (items.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} ${what}` });
    const bad = items.find((x) => !item.test(x));
    if (bad !== undefined)
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not ${what.replace(/s$/, '')}` });
  });

/** GET requests' query. */
export const open311RequestsQuery = z.strictObject({
  api_key: text(200).optional(),
  jurisdiction_id: text(64).optional(),
  /** Comma list; when given, the other filters are ignored (as the spec says). */
  service_request_id: commaList(OPEN311_MAX_IDS, REQUEST_ID, 'request ids').optional(),
  /** One service code or a comma list. */
  service_code: text(2000)
    .superRefine((s, ctx) => {
      const bad = s.split(',').find((c) => !isServiceCode(c.trim()));
      if (bad !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `unknown service ${JSON.stringify(bad)} (GET services.json lists them)`,
        });
    })
    .optional(),
  start_date: dateTime.optional(),
  end_date: dateTime.optional(),
  /** open, closed, or both comma-separated. */
  status: text(20)
    .regex(/^(open|closed)(,(open|closed))?$/, 'must be open, closed or open,closed')
    .optional(),
});
export type Open311RequestsQuery = z.infer<typeof open311RequestsQuery>;

/** GET one request, GET services and a definition: the key and jurisdiction only. */
export const open311KeyQuery = z.strictObject({
  api_key: text(200).optional(),
  jurisdiction_id: text(64).optional(),
});

/** The items of a comma list, trimmed, without repeats. */
export function listItems(s: string | undefined): string[] | undefined {
  return s === undefined ? undefined : [...new Set(s.split(',').map((x) => x.trim()))];
}

// ---------------------------------------------------------------- replies

/** POST requests' reply: one item. */
export const open311Created = z.object({
  service_request_id: z.string(),
  service_notice: z.string(),
  account_id: z.string().nullable(),
});
export type Open311Created = z.infer<typeof open311Created>;

/** A request as GET requests shows it: no names, phones, e-mails or tracking code. */
export const open311Request = z.object({
  service_request_id: z.string(),
  status: z.enum(OPEN311_STATUSES),
  status_notes: z.string(),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string(),
  agency_responsible: z.string(),
  service_notice: z.string().nullable(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string().nullable(),
  address: z.string(),
  address_id: z.string().nullable(),
  zipcode: z.string().nullable(),
  lat: z.number(),
  long: z.number(),
  media_url: z.string().nullable(),
});
export type Open311Request = z.infer<typeof open311Request>;

/** What of an incident the view reads (an IncidentRow has it). */
export interface Open311Facts {
  code: string;
  category: string;
  status: IncidentStatus;
  description: string;
  department: string;
  address: string;
  lat: number;
  lon: number;
  createdAt: Date;
  updatedAt: Date;
  /** The resolve clock's deadline (the SLA's 按期办结), if any. */
  resolveDueAt: Date | null;
}

export function open311RequestOf(i: Open311Facts): Open311Request {
  const info = (CATEGORIES as Readonly<Record<string, (typeof CATEGORIES)[RiskCategory] | undefined>>)[i.category];
  return {
    service_request_id: i.code,
    status: open311Status(i.status),
    status_notes: STATUS_NOTES[i.status],
    service_name: info?.zh ?? i.category,
    service_code: i.category,
    description: i.description,
    agency_responsible: i.department,
    service_notice: null,
    requested_datetime: w3cTime(i.createdAt),
    updated_datetime: w3cTime(i.updatedAt),
    expected_datetime: i.resolveDueAt ? w3cTime(i.resolveDueAt) : null,
    address: i.address,
    address_id: null,
    zipcode: null,
    lat: i.lat,
    long: i.lon,
    media_url: null,
  };
}

/** The spec's error list: `[{ code: <http status>, description }]`. */
export const open311Errors = z.array(z.object({ code: z.number().int(), description: z.string() }));
export type Open311Errors = z.infer<typeof open311Errors>;

/**
 * A zod failure as one error line naming the field as the spec calls it: `service_code: unknown
 * service "xyz"`, `attribute[size]: must be text`, `colour: unknown field`.
 */
export function issueLine(error: z.ZodError): string {
  const i = error.issues[0]!;
  if (i.code === 'unrecognized_keys') return `${i.keys.map(fieldName).join(', ')}: unknown field`;
  const [head, ...rest] = i.path.map(String);
  const name = head === undefined ? 'body' : head === 'attribute' && rest.length > 0 ? `attribute[${rest[0]}]` : head;
  const msg = head === undefined && i.code === 'invalid_type' ? 'must be a form or a JSON object' : i.message;
  return `${fieldName(name)}: ${msg}`;
}

/** A field's name fit for a message (a key may hold anything). */
function fieldName(k: string): string {
  return /^[\w[\]-]{1,80}$/.test(k) ? k : JSON.stringify(k.slice(0, 80));
}
