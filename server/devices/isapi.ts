/**
 * Hikvision ISAPI alarms (issue 18): one `EventNotificationAlert` XML, as an "HTTP listening" host
 * receives it, into a `DeviceNotice` (server/devices/ports.ts) and who sent it. Pure: bytes in,
 * a result or an `IsapiParseError` naming the field out; nothing else is ever thrown.
 *
 * Decisions:
 * - Bytes: UTF-8 unless a BOM (or the XML spec's BOM-less UTF-16 sniff) says UTF-16, or the bytes
 *   are not valid UTF-8 and the declaration names an encoding iconv-lite knows (GB2312 …). Valid
 *   UTF-8 wins over a declaration because a multipart reader may already have transcoded the part.
 * - XMLValidator first (its message, with line and column, is the error); a DOCTYPE is refused
 *   (ISAPI never sends one; no entity expansion); nesting deeper than fast-xml-parser's 100 and
 *   prototype-like tag names are its errors, reported as `xml: …`.
 * - Namespaces: the root must be `EventNotificationAlert` in `http://www.hikvision.com/ver20/XMLSchema`,
 *   `http://www.isapi.org/ver20/XMLSchema` or none. fast-xml-parser's `removeNSPrefix` also drops the
 *   `xmlns` attributes, so the document is parsed with prefixes kept and the root's namespace read
 *   from its own `xmlns`/`xmlns:p`; children are then looked up by local name.
 * - Fields are read once each: a repeated or structured `eventType`, `eventState`, `dateTime`,
 *   `channelID`, `dynChannelID` is an error; optional ones are dropped when not plain text.
 * - `eventType` is matched case-insensitively (firmwares differ: VMD/vmd, videoloss/videoLoss) and
 *   kept as sent in `code`; an unknown one is a 'device_alarm'. `heartBeat` needs no channel or time.
 * - `eventState`: active (or absent: some firmwares leave it out of one-shot events) → 'start',
 *   inactive → 'stop'; anything else is an error.
 * - `dateTime` without an offset is Beijing time (+08:00); it must be a real calendar time in the
 *   years 0001–9999 UTC.
 * - Channel: `dynChannelID`, else `channelID`, else for an alarm input (`IO`) its `inputIOPortID`;
 *   a positive integer (1–99999, leading zeros dropped), as a string.
 * - Text kept (attributes, code, identity) loses control characters, U+0000 and lone surrogates
 *   and is cut to 200 characters (never between the halves of a pair); the identifying fields
 *   (`eventType`, the channel, `dateTime`) are errors instead when they hold U+0000 or a lone surrogate.
 */
import { isUtf8 } from 'node:buffer';
import { isIP } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { EventType } from '@shared/ingest';
import { printable, textProblem } from '@shared/text';
import { parseDeviceTime } from './device-time';
import type { DeviceNotice } from './ports';

/** The largest alert accepted (the multipart reader holds the XML part to the same). */
export const MAX_ISAPI_XML_BYTES = 64 * 1024;
/** The namespaces an alert may be in (or none). */
export const ISAPI_NAMESPACES = ['http://www.hikvision.com/ver20/XMLSchema', 'http://www.isapi.org/ver20/XMLSchema'];
/** The longest string kept in an attribute or the identity. */
export const MAX_ISAPI_TEXT = 200;
const MAX_CODE = 64;
const MAX_CHANNEL = 99_999;

export interface IsapiIdentity {
  /** macAddress, lower case with colons. */
  mac?: string;
  /** serialNumber / deviceSerial, when the firmware sends one. */
  serial?: string;
  /** The ipAddress field (what the device says it is, not the peer address). */
  address?: string;
}

export interface IsapiAlert {
  identity: IsapiIdentity;
  /** null for a heartbeat. */
  notice: DeviceNotice | null;
  heartbeat: boolean;
}

/** The alert is not what ISAPI says: `field` names where ('xml' for the document itself). */
export class IsapiParseError extends Error {
  override readonly name = 'IsapiParseError';
  constructor(
    readonly field: string,
    readonly reason: string,
    /** What could be read of the sender before the problem (for the dead letter's identity). */
    readonly identity: IsapiIdentity = {},
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Hikvision's eventType (lower-cased) → our event type and, for a fence, which rule fired. */
const TYPES: Record<string, { type: EventType; rule?: string }> = {
  linedetection: { type: 'fence_intrusion', rule: 'line' },
  fielddetection: { type: 'fence_intrusion', rule: 'field' },
  regionentrance: { type: 'fence_intrusion', rule: 'entrance' },
  regionexiting: { type: 'fence_intrusion', rule: 'exit' },
  facedetection: { type: 'stranger' },
  vmd: { type: 'motion' },
  videoloss: { type: 'video_loss' },
  tamperdetection: { type: 'camera_tamper' },
  shelteralarm: { type: 'camera_tamper' },
  firedetection: { type: 'smoke' },
  smokedetection: { type: 'smoke' },
  crowddetection: { type: 'crowd' },
  highdensity: { type: 'crowd' },
  io: { type: 'one_key_alarm' },
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false, // it would drop the xmlns attributes the namespace check reads
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true, // numeric character references (&#20013;); &#0; and surrogates are dropped by it
  ignoreDeclaration: true,
  ignorePiTags: true,
});

// ---------------------------------------------------------------- text

// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string safe to store and show: no control characters, NUL or lone surrogates, white space folded, at most `max`. */
export function cleanText(s: string, max = MAX_ISAPI_TEXT): string {
  let t = s
    .replace(LONE, '')
    .replace(/[\t\n\r]+/g, ' ')
    .replace(CONTROL, '')
    .trim();
  if (t.length > max) {
    const cut = t.charCodeAt(max - 1);
    t = t.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max);
  }
  return t;
}

// ---------------------------------------------------------------- bytes → string

function decode(xml: Buffer): string {
  if (xml[0] === 0xef && xml[1] === 0xbb && xml[2] === 0xbf) return xml.subarray(3).toString('utf8');
  if (xml[0] === 0xff && xml[1] === 0xfe) return iconv.decode(xml.subarray(2), 'utf16le');
  if (xml[0] === 0xfe && xml[1] === 0xff) return iconv.decode(xml.subarray(2), 'utf16be');
  // No BOM: '<?' in UTF-16 (XML 1.0 appendix F).
  if (xml[0] === 0x3c && xml[1] === 0x00 && xml[2] === 0x3f && xml[3] === 0x00) return iconv.decode(xml, 'utf16le');
  if (xml[0] === 0x00 && xml[1] === 0x3c && xml[2] === 0x00 && xml[3] === 0x3f) return iconv.decode(xml, 'utf16be');
  if (isUtf8(xml)) return xml.toString('utf8');
  const declared = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(
    xml.subarray(0, 200).toString('latin1'),
  )?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    if (!iconv.encodingExists(declared))
      throw new IsapiParseError('xml', `the encoding ${JSON.stringify(declared)} is not supported`);
    return iconv.decode(xml, declared);
  }
  return xml.toString('utf8'); // invalid sequences become U+FFFD
}

// ---------------------------------------------------------------- fields

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]);

/** The element's children by local name (prefixes dropped; a name seen twice under two prefixes is a list). */
function localChildren(node: Node): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    const local = key.slice(key.indexOf(':') + 1);
    const had = out.get(local);
    if (had === undefined) out.set(local, value);
    else out.set(local, [...asList(had), ...asList(value)]);
  }
  return out;
}

/** A leaf's text: a string, or an element with attributes and text only. Undefined when anything else. */
function leafText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isNode(v)) {
    const keys = Object.keys(v).filter((k) => !k.startsWith('@_'));
    if (keys.length === 0) return '';
    if (keys.length === 1 && keys[0] === '#text') {
      const t = v['#text'];
      return typeof t === 'string' ? t : undefined;
    }
  }
  return undefined;
}

class Fields {
  constructor(
    private readonly children: Map<string, unknown>,
    private readonly identity: IsapiIdentity,
  ) {}

  private fail(field: string, reason: string): never {
    throw new IsapiParseError(field, reason, this.identity);
  }

  /** A field that must be plain text given once, and storable as sent. Undefined when absent. */
  strict(name: string): string | undefined {
    const v = this.children.get(name);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) this.fail(name, 'is given more than once');
    const t = leafText(v);
    if (t === undefined) this.fail(name, 'must be text, not elements');
    const problem = textProblem(t);
    if (problem) this.fail(name, problem);
    return t.trim();
  }

  /** An optional field: its cleaned text, or undefined when absent, empty, repeated or structured. */
  loose(name: string, max = MAX_ISAPI_TEXT): string | undefined {
    const v = this.children.get(name);
    const t = Array.isArray(v) ? undefined : leafText(v);
    if (t === undefined) return undefined;
    const c = cleanText(t, max);
    return c === '' ? undefined : c;
  }

  /** A channel number: a positive whole number, as a string without leading zeros. */
  channel(name: string): string | undefined {
    const v = this.strict(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > MAX_CHANNEL)
      this.fail(
        name,
        `must be a positive whole number up to ${MAX_CHANNEL} (got ${JSON.stringify(printable(v.slice(0, 40)))})`,
      );
    return String(Number(v));
  }

  node(name: string): Fields | undefined {
    let v = this.children.get(name);
    if (Array.isArray(v)) v = v[0];
    return isNode(v) ? new Fields(localChildren(v), this.identity) : undefined;
  }
}

function macOf(s: string | undefined): string | undefined {
  const hex = s?.replace(/[:\-.\s]/g, '').toLowerCase();
  if (!hex || !/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

function readIdentity(f: Fields): IsapiIdentity {
  const id: IsapiIdentity = {};
  const mac = macOf(f.loose('macAddress'));
  if (mac) id.mac = mac;
  const serial = f.loose('serialNumber', 64) ?? f.loose('deviceSerial', 64);
  if (serial && /^[\x21-\x7e]+$/.test(serial)) id.serial = serial;
  const address = f.loose('ipAddress', 64);
  if (address && isIP(address)) id.address = address;
  return id;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 with or without an offset (none: +08:00); null when not a real time. */
export function parseIsapiTime(s: string): Date | null {
  return parseDeviceTime(s, DATE_TIME);
}

// ---------------------------------------------------------------- the alert

/**
 * Parse one ISAPI alert. Throws only `IsapiParseError` (the field and what is wrong with it, and
 * what could be read of the sender).
 */
export function parseIsapiAlert(xml: Buffer): IsapiAlert {
  try {
    return parse(xml);
  } catch (err) {
    if (err instanceof IsapiParseError) throw err;
    // fast-xml-parser's own refusals (nesting, reserved names) and anything unforeseen.
    const message = err instanceof Error ? err.message : String(err);
    throw new IsapiParseError('xml', cleanText(message) || 'cannot be read');
  }
}

function parse(xml: Buffer): IsapiAlert {
  if (xml.length === 0) throw new IsapiParseError('xml', 'is empty');
  if (xml.length > MAX_ISAPI_XML_BYTES)
    throw new IsapiParseError('xml', `is larger than ${MAX_ISAPI_XML_BYTES / 1024} KiB`);
  const text = decode(xml);
  if (/<!DOCTYPE/i.test(text)) throw new IsapiParseError('xml', 'a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new IsapiParseError(
      'xml',
      `is not well-formed: ${cleanText(printable(valid.err.msg))} (line ${valid.err.line}, column ${valid.err.col})`,
    );
  const doc: unknown = parser.parse(text);
  if (!isNode(doc)) throw new IsapiParseError('xml', 'has no root element');
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new IsapiParseError('xml', 'must have exactly one root element');
  const rootKey = roots[0]!;
  const colon = rootKey.indexOf(':');
  const local = rootKey.slice(colon + 1);
  if (local !== 'EventNotificationAlert')
    throw new IsapiParseError(
      'xml',
      `the root element must be EventNotificationAlert, not ${JSON.stringify(printable(cleanText(rootKey, 60)))}`,
    );
  let root = doc[rootKey];
  if (Array.isArray(root)) throw new IsapiParseError('xml', 'must have exactly one root element');
  if (typeof root === 'string') root = {};
  if (!isNode(root)) throw new IsapiParseError('xml', 'the root element cannot be read');
  const nsAttr = colon < 0 ? '@_xmlns' : `@_xmlns:${rootKey.slice(0, colon)}`;
  const ns = root[nsAttr];
  if (colon >= 0 && ns === undefined)
    throw new IsapiParseError('xmlns', `the prefix ${JSON.stringify(rootKey.slice(0, colon))} is not declared`);
  if (ns !== undefined && (typeof ns !== 'string' || !ISAPI_NAMESPACES.includes(ns.trim())))
    throw new IsapiParseError(
      'xmlns',
      `must be ${ISAPI_NAMESPACES.join(' or ')} (or none), not ${typeof ns === 'string' ? JSON.stringify(printable(cleanText(ns, 100))) : 'a structured value'}`,
    );

  const children = localChildren(root);
  const identity = readIdentity(new Fields(children, {}));
  const f = new Fields(children, identity);

  const code = f.strict('eventType');
  if (code === undefined) throw new IsapiParseError('eventType', 'missing', identity);
  if (code === '') throw new IsapiParseError('eventType', 'must not be empty', identity);
  if (code.length > MAX_CODE || cleanText(code, MAX_CODE) !== code)
    throw new IsapiParseError(
      'eventType',
      `must be at most ${MAX_CODE} printable characters on one line (got ${JSON.stringify(printable(code.slice(0, 40)))}…)`,
      identity,
    );
  const heartbeat = code.toLowerCase() === 'heartbeat';
  if (heartbeat) return { identity, notice: null, heartbeat: true };

  const state = f.strict('eventState')?.toLowerCase();
  let action: DeviceNotice['action'];
  if (state === undefined || state === 'active') action = 'start';
  else if (state === 'inactive') action = 'stop';
  else
    throw new IsapiParseError(
      'eventState',
      `must be active or inactive (got ${JSON.stringify(printable(state.slice(0, 40)))})`,
      identity,
    );

  const when = f.strict('dateTime');
  if (when === undefined) throw new IsapiParseError('dateTime', 'missing', identity);
  const at = parseIsapiTime(when);
  if (!at)
    throw new IsapiParseError(
      'dateTime',
      `must be an ISO 8601 date-time such as 2024-05-09T10:37:45+08:00 (got ${JSON.stringify(printable(when.slice(0, 40)))})`,
      identity,
    );

  const known = TYPES[code.toLowerCase()];
  const isInput = known?.type === 'one_key_alarm';
  const channel =
    f.channel('dynChannelID') ?? f.channel('channelID') ?? (isInput ? f.channel('inputIOPortID') : undefined);
  if (channel === undefined) throw new IsapiParseError('channelID', 'missing', identity);

  const attributes: DeviceNotice['attributes'] = { code };
  const description = f.loose('eventDescription');
  if (description) attributes.description = description;
  const channelName = f.loose('channelName');
  if (channelName) attributes.channelName = channelName;
  const posts = f.loose('activePostCount');
  if (posts && /^\d{1,9}$/.test(posts)) attributes.activePostCount = Number(posts);
  if (known?.rule) attributes.rule = known.rule;
  if (isInput) {
    const port = f.loose('inputIOPortID', 16);
    if (port && /^\d{1,5}$/.test(port)) attributes.inputPort = Number(port);
  }
  const region = f.node('DetectionRegionList')?.node('DetectionRegionEntry');
  const regionId = region?.loose('regionID', 64);
  if (regionId) attributes.region = regionId;
  const target = region?.loose('detectionTarget', 64);
  if (target) attributes.target = target;

  return {
    identity,
    heartbeat: false,
    notice: { code, type: known?.type ?? 'device_alarm', action, channel, at, attributes },
  };
}
