/**
 * GB/T 28181 MANSCDP bodies (issue 18): the XML a device sends in a SIP MESSAGE, decoded and read
 * into our terms. Pure: bytes or text in, a value or a `ManscdpError` naming the element out.
 *
 * Decided:
 * - Charset: a UTF-8 BOM, else the XML declaration's `encoding`, else the device's configured one
 *   (default GBK). GB2312/GBK/GB18030/CP936 are all decoded as GB18030 (a superset of each); an
 *   encoding iconv-lite does not know falls back to the device's. Invalid bytes become U+FFFD.
 * - fast-xml-parser, after its validator, with every value kept as text (DeviceIDs are 20 digits and
 *   must not become numbers), no entity expansion beyond XML's five and numeric references (which we
 *   decode ourselves), and any DOCTYPE refused: MANSCDP has none, and a DTD's entities can explode.
 * - Only `<Notify>` Alarm and Keepalive are read; any other CmdType (and any `<Response>`) comes back
 *   as `{ cmdType }` for the adapter to acknowledge and ignore. `<Query>`/`<Control>` are errors: a
 *   device has no reason to send them to us.
 * - An alarm is never dropped: an unknown AlarmMethod/AlarmType maps to 'device_alarm'. GB alarms are
 *   instants (no end is ever sent), so every notice is a 'pulse'.
 * - AlarmTime without an offset is Beijing time (+08:00); one with `Z` or `±hh:mm` keeps it. A missing
 *   or impossible AlarmTime, a priority outside 1–4, or a DeviceID that is not 20 digits is an error:
 *   the adapter sets the message aside as a dead letter, it is not silently guessed.
 * - Keepalive's channels: the `<Info><DeviceID>`s that are 20 digits (others are ignored).
 */
import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { EventType } from '@shared/ingest';
import { printable } from '@shared/text';
import { parseDeviceTime } from './device-time';
import type { DeviceNotice } from './ports';

export type DeviceCharset = 'gbk' | 'utf-8';

/** What is wrong with a body, naming the element (or 'xml' / 'body' for the document itself). */
export class ManscdpError extends Error {
  override readonly name = 'ManscdpError';
  constructor(
    readonly element: string,
    problem: string,
  ) {
    super(`${element}: ${problem}`);
  }
}

export interface ManscdpAlarm {
  cmdType: 'Alarm';
  /** The alarm's source: a channel's (or the device's own) 20-digit id. */
  deviceId: string;
  sn: number | null;
  notice: DeviceNotice;
}

export interface ManscdpKeepalive {
  cmdType: 'Keepalive';
  deviceId: string;
  sn: number | null;
  /** As sent ('OK', 'ERROR' …). */
  status: string;
  /** The 20-digit channel ids named in `<Info>`, if any. */
  channels: string[];
}

/** Any other command (Catalog, MediaStatus, a Response …): acknowledged and ignored. */
export interface ManscdpOther {
  cmdType: string;
  kind: 'other';
}

export type Manscdp = ManscdpAlarm | ManscdpKeepalive | ManscdpOther;

export const isAlarm = (m: Manscdp): m is ManscdpAlarm => m.cmdType === 'Alarm' && !('kind' in m);
export const isKeepalive = (m: Manscdp): m is ManscdpKeepalive => m.cmdType === 'Keepalive' && !('kind' in m);

// ---------------------------------------------------------------- decoding

const GB = new Set(['gb2312', 'gbk', 'gb18030', 'cp936', 'x-gbk', 'euc-cn', 'windows-936', 'ms936']);
const DECLARATION = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/;

/** The iconv-lite name to decode with, from a declared encoding name; null when unknown. */
function decoderFor(name: string): string | null {
  const n = name.toLowerCase();
  if (GB.has(n)) return 'gb18030';
  if (n === 'utf-8' || n === 'utf8') return 'utf-8';
  return iconv.encodingExists(n) ? n : null;
}

/**
 * A MANSCDP body as text: the BOM or the XML declaration's encoding when present (the declaration is
 * ASCII in every charset a device uses), else `charset`, the device's configured one.
 */
export function decodeBody(bytes: Buffer, charset: DeviceCharset): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return iconv.decode(bytes, 'utf-8');
  }
  const head = bytes.subarray(0, 256).toString('latin1');
  const declared = DECLARATION.exec(head)?.[1];
  const decoder = (declared && decoderFor(declared)) ?? (charset === 'utf-8' ? 'utf-8' : 'gb18030');
  return iconv.decode(bytes, decoder);
}

// ---------------------------------------------------------------- XML

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  commentPropName: false,
});

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five entities and numeric references; anything else is left as written. */
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An element's text: the first of repeated ones; undefined when absent; an error when it has children. */
function textOf(parent: Node, name: string): string | undefined {
  let v = parent[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return unescapeXml(v);
  if (isNode(v) && Object.keys(v).length === 0) return '';
  throw new ManscdpError(name, 'must hold text, not elements');
}

function required(parent: Node, name: string): string {
  const v = textOf(parent, name);
  if (v === undefined || v === '') throw new ManscdpError(name, 'is missing');
  return v;
}

const DEVICE_ID = /^[0-9]{20}$/;

function deviceIdOf(root: Node): string {
  const id = required(root, 'DeviceID');
  if (!DEVICE_ID.test(id)) throw new ManscdpError('DeviceID', 'must be 20 digits');
  return id;
}

function snOf(root: Node): number | null {
  const s = textOf(root, 'SN');
  return s !== undefined && /^[0-9]{1,15}$/.test(s) ? Number(s) : null;
}

// ---------------------------------------------------------------- time

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** GB/T 28181's `YYYY-MM-DDThh:mm:ss[.SSS]`, Beijing time unless it says otherwise. */
export function parseAlarmTime(s: string): Date | null {
  return parseDeviceTime(s, TIME);
}

// ---------------------------------------------------------------- alarm mapping

/** AlarmMethod (1–7) → AlarmType (2016 edition, in `<Info>`) → our type; absent: 'device_alarm'. */
const TYPE_BY_METHOD: Record<number, Record<number, EventType> | EventType> = {
  1: 'one_key_alarm', // phone alarm: someone pressed for help
  2: { 1: 'video_loss', 2: 'camera_tamper' },
  5: { 1: 'one_key_alarm', 2: 'motion', 5: 'fence_intrusion', 6: 'fence_intrusion', 10: 'crowd' },
};

/** Our event type for an AlarmMethod and AlarmType (either may be unknown: never dropped). */
export function eventTypeOf(method: number | null, alarmType: number | null): EventType {
  if (method === null) return 'device_alarm';
  const row = TYPE_BY_METHOD[method];
  if (row === undefined) return 'device_alarm';
  if (typeof row === 'string') return row;
  return (alarmType !== null ? row[alarmType] : undefined) ?? 'device_alarm';
}

const smallInt = (s: string | undefined): number | null =>
  s !== undefined && /^[0-9]{1,6}$/.test(s.trim()) ? Number(s.trim()) : null;

/** At most 200 characters (code points, so a pair is never split), storable. */
function shortText(s: string, max = 200): string {
  const points = Array.from(s);
  return printable(points.length > max ? points.slice(0, max).join('') : s);
}

function location(root: Node): { lon: number; lat: number } | undefined {
  const lonText = textOf(root, 'Longitude');
  const latText = textOf(root, 'Latitude');
  if (!lonText || !latText) return undefined;
  const lon = Number(lonText);
  const lat = Number(latText);
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90 || (lon === 0 && lat === 0)) return undefined;
  return { lon, lat };
}

function readAlarm(root: Node): ManscdpAlarm {
  const deviceId = deviceIdOf(root);
  const sn = snOf(root);

  const priorityText = textOf(root, 'AlarmPriority');
  let severity: 1 | 2 | 3 | 4 | undefined;
  if (priorityText !== undefined && priorityText !== '') {
    if (!/^[1-4]$/.test(priorityText)) throw new ManscdpError('AlarmPriority', 'must be 1 to 4');
    severity = Number(priorityText) as 1 | 2 | 3 | 4;
  }

  const timeText = required(root, 'AlarmTime');
  const at = parseAlarmTime(timeText);
  if (!at) throw new ManscdpError('AlarmTime', 'must be a date and time like 2024-05-09T10:37:45');

  const methodText = textOf(root, 'AlarmMethod') ?? '';
  const method = smallInt(methodText);
  const info = root.Info;
  const infoNode = isNode(info) ? info : Array.isArray(info) && isNode(info[0]) ? info[0] : undefined;
  // 2016: AlarmType in <Info>; some devices put it at the top level.
  const typeText = (infoNode && textOf(infoNode, 'AlarmType')) ?? textOf(root, 'AlarmType');
  const alarmType = smallInt(typeText);
  let eventType: number | null = null;
  const param = infoNode?.AlarmTypeParam;
  if (isNode(param)) eventType = smallInt(textOf(param, 'EventType'));

  const attributes: DeviceNotice['attributes'] = {
    method: method ?? shortText(methodText, 20),
  };
  if (alarmType !== null) attributes.alarmType = alarmType;
  else if (typeText) attributes.alarmType = shortText(typeText, 20);
  if (eventType !== null) attributes.eventType = eventType;
  const description = textOf(root, 'AlarmDescription');
  if (description) attributes.description = shortText(description);
  if (sn !== null) attributes.sn = sn;

  const notice: DeviceNotice = {
    code: alarmType !== null || typeText ? `${attributes.method}/${attributes.alarmType}` : `${attributes.method}`,
    type: eventTypeOf(method, alarmType),
    action: 'pulse',
    channel: deviceId,
    at,
    attributes,
  };
  if (severity !== undefined) notice.severity = severity;
  const where = location(root);
  if (where) notice.location = where;
  return { cmdType: 'Alarm', deviceId, sn, notice };
}

function readKeepalive(root: Node): ManscdpKeepalive {
  const deviceId = deviceIdOf(root);
  const status = shortText(textOf(root, 'Status') ?? '', 20);
  const channels: string[] = [];
  const infos = Array.isArray(root.Info) ? root.Info : [root.Info];
  for (const info of infos) {
    if (!isNode(info)) continue;
    const ids = Array.isArray(info.DeviceID) ? info.DeviceID : [info.DeviceID];
    for (const id of ids) {
      if (typeof id === 'string' && DEVICE_ID.test(id) && !channels.includes(id)) channels.push(id);
    }
  }
  return { cmdType: 'Keepalive', deviceId, sn: snOf(root), status, channels };
}

/** Reads a decoded MANSCDP body; throws `ManscdpError` (and nothing else) when it is not one. */
export function parseManscdp(text: string): Manscdp {
  if (text.trim() === '') throw new ManscdpError('body', 'is empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ManscdpError('xml', 'must not have a DOCTYPE');
  let doc: unknown;
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new ManscdpError('xml', `is not well-formed: ${shortText(valid.err.msg, 120)}`);
    doc = parser.parse(text);
  } catch (e) {
    if (e instanceof ManscdpError) throw e;
    throw new ManscdpError('xml', `is not well-formed: ${shortText(e instanceof Error ? e.message : String(e), 120)}`);
  }
  if (!isNode(doc)) throw new ManscdpError('xml', 'has no root element');
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new ManscdpError('xml', 'must have exactly one root element');
  const rootName = roots[0] as string;
  if (rootName !== 'Notify' && rootName !== 'Response') {
    throw new ManscdpError(shortText(rootName, 40), 'the root must be <Notify> or <Response>');
  }
  const root = doc[rootName];
  if (Array.isArray(root)) throw new ManscdpError('xml', 'must have exactly one root element');
  if (!isNode(root)) throw new ManscdpError(rootName, 'must hold elements');
  const cmdType = required(root, 'CmdType');
  if (rootName === 'Notify' && cmdType === 'Alarm') return readAlarm(root);
  if (rootName === 'Notify' && cmdType === 'Keepalive') return readKeepalive(root);
  return { cmdType: shortText(cmdType, 40), kind: 'other' };
}
