/**
 * Dahua's event stream (issue 18), pure: the bytes of `GET /cgi-bin/eventManager.cgi?action=attach`
 * (`multipart/x-mixed-replace; boundary=myboundary`) in, records out, and the mapping of Dahua's
 * event codes to our `DeviceNotice`s. No I/O: the client (dahua-client.ts) feeds it chunks.
 *
 * Decided:
 * - Tolerant framing. A part runs from one `--myboundary` to the next wherever it appears (with or
 *   without CRLFs around it); before the body, blank lines, `Name: value` headers and stray
 *   `HTTP/1.x 200 OK` status lines are skipped; a body may start without any header.
 * - A part is emitted as soon as its declared Content-Length is in (no waiting for the next boundary,
 *   which may come only with the next heartbeat, 5 s later); without a Content-Length, or when a
 *   boundary comes first (a device that declares more than it sends), at the next boundary. Bytes
 *   after a declared length and before the next boundary are parsed too (a device that declares less).
 * - Bounded memory: a part over 1 MiB, or 1 MiB with no boundary at all, is dropped with one `error`
 *   record (its first 4 KiB as `raw`, for the dead letter) and the rest is skipped up to the next
 *   boundary; the parser never holds more than ~1 MiB.
 * - One part may carry several `Code=` lines (each begins a line); each is its own event, `raw` its own
 *   bytes. `data=` is JSON (it may span lines); malformed, the event still counts, with `dataError`.
 * - Actions other than Start/Stop/Pulse (VideoMotionInfo's periodic `State`) are `ignored` records,
 *   not errors: they are routine and would flood the dead letters.
 * - `toNotice`: housekeeping codes (NewFile, TimeChange, …) → null (not delivered); any code we have
 *   no name for → `device_alarm`, the code kept. SafetyAbnormal (the device's own security
 *   exceptions) is such an alarm, not housekeeping.
 */
import type { EventType } from '@shared/ingest';
import { printable } from '@shared/text';
import { parseDeviceTime } from './device-time';
import type { DeviceNotice } from './ports';

/** The most bytes one part (or the gap before a boundary) may hold before it is dropped. */
export const MAX_PART_BYTES = 1024 * 1024;
/** How much of a dropped part is kept as its `raw`. */
export const ERROR_SAMPLE_BYTES = 4096;

export type DahuaAction = 'Start' | 'Stop' | 'Pulse';

export interface DahuaEvent {
  kind: 'event';
  code: string;
  action: DahuaAction;
  /** 0-based channel index as the device sends it. */
  index: number;
  /** The parsed `data=` JSON, when there was one and it parsed. */
  data?: unknown;
  /** Why `data=` did not parse (the event itself still counts). */
  dataError?: string;
  /** The bytes of this event's `Code=` line(s), as received. */
  raw: Buffer;
}

export interface DahuaHeartbeat {
  kind: 'heartbeat';
}

/** A part that is not an event: unparsable, oversized, or bytes without a boundary. */
export interface DahuaError {
  kind: 'error';
  error: string;
  raw: Buffer;
}

/** A well-formed event with an action we do not take (`State`). */
export interface DahuaIgnored {
  kind: 'ignored';
  code: string;
  action: string;
  raw: Buffer;
}

export type DahuaRecord = DahuaEvent | DahuaHeartbeat | DahuaError | DahuaIgnored;

const CR = 0x0d;
const LF = 0x0a;
const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*[ \t]*:/;
const STATUS_LINE = /^HTTP\/\d(\.\d)?\s+\d{3}\b/;
const CONTENT_LENGTH = /^content-length[ \t]*:[ \t]*(\d{1,9})[ \t]*$/i;

type Phase = 'preamble' | 'headers' | 'body' | 'skip';

/** The boundary marker bytes for a `boundary=` parameter (with or without its leading dashes). */
function markerFor(boundary: string): Buffer {
  const b = boundary.trim().replace(/^"|"$/g, '').replace(/^--/, '');
  return Buffer.from(`--${b || 'myboundary'}`, 'latin1');
}

/** The `boundary=` of a Content-Type header, or null. */
export function boundaryOf(contentType: string | null | undefined): string | null {
  const m = /boundary\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType ?? '');
  return m ? m[2]! : null;
}

/**
 * Incremental parser of one attached stream. `push` takes any chunking of the bytes and returns the
 * records completed by that chunk, in stream order; it never throws on any input.
 */
export class DahuaStreamParser {
  private readonly marker: Buffer;
  private readonly max: number;
  private buf: Buffer = Buffer.alloc(0);
  private phase: Phase = 'preamble';
  /** Where in `buf` the boundary search resumes (bytes before it were searched already). */
  private searchFrom = 0;
  /** Preamble bytes discarded while no boundary came (for the "no boundary in 1 MiB" record). */
  private unframed = 0;
  private unframedSample: Buffer | null = null;
  private contentLength: number | null = null;
  /** A header or status line seen in this part: the next blank line ends them. */
  private sawHeader = false;

  constructor(opts: { boundary?: string; maxPartBytes?: number } = {}) {
    this.marker = markerFor(opts.boundary ?? 'myboundary');
    this.max = opts.maxPartBytes ?? MAX_PART_BYTES;
  }

  /** Bytes held between pushes (bounded by about the part limit). */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  push(chunk: Buffer | Uint8Array): DahuaRecord[] {
    const out: DahuaRecord[] = [];
    if (chunk.length === 0) return out;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    try {
      this.drain(out);
    } catch (e) {
      // Nothing above should throw; if it does, lose this buffer, never the stream.
      out.push({ kind: 'error', error: `parser: ${(e as Error).message}`, raw: this.sample(this.buf) });
      this.reset('skip');
    }
    return out;
  }

  /** The stream ended: a part still open (no boundary after it) is parsed as it is. */
  end(): DahuaRecord[] {
    const out: DahuaRecord[] = [];
    if (this.phase === 'body' || this.phase === 'headers') {
      if (this.phase === 'headers') this.skipHeaders(true);
      if (this.phase === 'body') parseBody(trimEnd(this.buf), out);
    }
    this.reset('preamble');
    return out;
  }

  private reset(phase: Phase): void {
    this.buf = Buffer.alloc(0);
    this.phase = phase;
    this.searchFrom = 0;
    this.contentLength = null;
    this.sawHeader = false;
  }

  private sample(b: Buffer): Buffer {
    return Buffer.from(b.subarray(0, ERROR_SAMPLE_BYTES));
  }

  /** The next boundary in `buf` from `searchFrom`, or -1 (then `searchFrom` moves on). */
  private findMarker(): number {
    const at = this.buf.indexOf(this.marker, this.searchFrom);
    if (at < 0) this.searchFrom = Math.max(0, this.buf.length - this.marker.length + 1);
    return at;
  }

  /** Past a boundary: the next part starts. */
  private afterMarker(at: number): void {
    this.buf = this.buf.subarray(at + this.marker.length);
    this.phase = 'headers';
    this.searchFrom = 0;
    this.contentLength = null;
    this.sawHeader = false;
    this.unframed = 0;
    this.unframedSample = null;
  }

  private drain(out: DahuaRecord[]): void {
    for (;;) {
      switch (this.phase) {
        case 'preamble':
        case 'skip': {
          const at = this.findMarker();
          if (at >= 0) {
            this.afterMarker(at);
            continue;
          }
          // Keep only what could be the start of a boundary.
          const keep = Math.min(this.buf.length, this.marker.length - 1);
          const dropped = this.buf.length - keep;
          if (this.phase === 'preamble' && dropped > 0) {
            this.unframedSample ??= this.sample(this.buf);
            this.unframed += dropped;
            if (this.unframed > this.max) {
              out.push({
                kind: 'error',
                error: `no boundary in ${this.max} bytes: dropped`,
                raw: this.unframedSample,
              });
              this.unframed = 0;
              this.unframedSample = null;
            }
          }
          this.buf = Buffer.from(this.buf.subarray(dropped));
          this.searchFrom = 0;
          return;
        }
        case 'headers': {
          if (!this.skipHeaders(false)) {
            if (this.buf.length > this.max) this.oversized(out);
            return;
          }
          continue;
        }
        case 'body': {
          const cl = this.contentLength;
          const at = this.findMarker();
          if (cl !== null && this.buf.length >= cl && (at < 0 || at >= cl)) {
            // A declared length that ends mid-text (characters counted, not bytes) is not believed.
            const after = this.buf[cl];
            if (after !== undefined && !isSpace(after) && after !== 0x2d) {
              this.contentLength = null;
              continue;
            }
            // The declared bytes end in what may be the start of a boundary: wait to see.
            if (after === undefined && this.endsInMarkerStart(this.buf.subarray(0, cl))) return;
            // Declared length in before any boundary: emit now, parse any leftover at the boundary.
            parseBody(this.buf.subarray(0, cl), out);
            this.buf = this.buf.subarray(cl);
            this.contentLength = null;
            this.searchFrom = 0;
            continue;
          }
          if (at >= 0) {
            parseBody(trimEnd(this.buf.subarray(0, at)), out);
            this.afterMarker(at);
            continue;
          }
          if (this.buf.length > this.max) this.oversized(out);
          return;
        }
      }
    }
  }

  private endsInMarkerStart(b: Buffer): boolean {
    for (let k = Math.min(b.length, this.marker.length - 1); k > 0; k--) {
      if (b.subarray(b.length - k).equals(this.marker.subarray(0, k))) return true;
    }
    return false;
  }

  private oversized(out: DahuaRecord[]): void {
    out.push({ kind: 'error', error: `part over ${this.max} bytes: dropped`, raw: this.sample(this.buf) });
    // Skip to the next boundary; keep only what could be its start.
    const keep = Math.min(this.buf.length, this.marker.length - 1);
    this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
    this.phase = 'skip';
    this.searchFrom = 0;
    this.contentLength = null;
  }

  /**
   * Consume the lines before a part's body: blank lines, headers, stray status lines. True when the
   * body begins (phase 'body'); false when more bytes are needed. `atEnd`: no more bytes will come.
   */
  private skipHeaders(atEnd: boolean): boolean {
    for (;;) {
      const nl = this.buf.indexOf(LF);
      const lineEnd = nl < 0 ? (atEnd ? this.buf.length : -1) : nl;
      if (lineEnd < 0) {
        // An incomplete line: if it cannot become a header or a blank line, the body began.
        const partial = this.buf.toString('latin1', 0, Math.min(this.buf.length, 64));
        if (this.buf.length > 0 && (!couldBeHeader(partial) || this.buf.includes(this.marker))) {
          this.phase = 'body';
          return true;
        }
        return false;
      }
      // A boundary on this line (a part with no body, or one with no CRLF before it): the body's job.
      if (this.buf.subarray(0, lineEnd).includes(this.marker)) {
        this.phase = 'body';
        return true;
      }
      let end = lineEnd;
      if (end > 0 && this.buf[end - 1] === CR) end--;
      const line = this.buf.toString('latin1', 0, end);
      const next = nl < 0 ? this.buf.length : nl + 1;
      if (line.trim() === '') {
        this.buf = this.buf.subarray(next);
        if (this.sawHeader) {
          this.phase = 'body';
          return true;
        }
        if (atEnd && this.buf.length === 0) return false;
        continue;
      }
      if (STATUS_LINE.test(line) || HEADER_LINE.test(line)) {
        const cl = CONTENT_LENGTH.exec(line);
        if (cl) {
          const n = Number(cl[1]);
          // A length over the limit is not believed: the boundary (or the limit) decides.
          this.contentLength = n <= this.max ? n : null;
        }
        this.sawHeader = true;
        this.buf = this.buf.subarray(next);
        continue;
      }
      // Anything else: the body starts here (a device that sends no headers).
      this.phase = 'body';
      return true;
    }
  }
}

/** Whether the start of an unfinished line may still turn out to be a header, a status or blank. */
function couldBeHeader(s: string): boolean {
  if (/^[ \t\r]*$/.test(s)) return true;
  if (/^H(T(T(P(\/.*)?)?)?)?$/.test(s)) return true;
  return /^[A-Za-z][A-Za-z0-9-]*([ \t]*(:.*)?)?$/.test(s) && !/^Code=/.test(s);
}

function isSpace(b: number | undefined): boolean {
  return b === CR || b === LF || b === 0x20 || b === 0x09;
}

function trimEnd(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && isSpace(b[end - 1])) end--;
  return b.subarray(0, end);
}

function trim(b: Buffer): Buffer {
  let start = 0;
  while (start < b.length && isSpace(b[start])) start++;
  return trimEnd(b.subarray(start));
}

const CODE = Buffer.from('Code=', 'latin1');

/** Where each `Code=` that begins a line starts. */
function codeStarts(body: Buffer): number[] {
  const starts: number[] = [];
  for (let at = body.indexOf(CODE); at >= 0; at = body.indexOf(CODE, at + 1)) {
    if (at === 0 || body[at - 1] === LF) starts.push(at);
  }
  return starts;
}

/** One part's body (or what was left of it) into records. */
function parseBody(bytes: Buffer, out: DahuaRecord[]): void {
  let body = trim(bytes);
  // Stray status and header lines (after a declared length, before the next boundary): skipped.
  for (;;) {
    const nl = body.indexOf(LF);
    const line = body.toString('latin1', 0, nl < 0 ? body.length : nl).trimEnd();
    if (!STATUS_LINE.test(line) && !HEADER_LINE.test(line)) break;
    body = trim(body.subarray(nl < 0 ? body.length : nl + 1));
  }
  if (body.length === 0) return;
  const text = body.toString('latin1');
  if (/^heartbeat$/i.test(text)) {
    out.push({ kind: 'heartbeat' });
    return;
  }
  if (text === '--') return; // the closing `--myboundary--`
  const starts = codeStarts(body);
  if (starts.length === 0 || starts[0]! > 0) {
    const end = starts[0] ?? body.length;
    const junk = Buffer.from(trim(body.subarray(0, end)));
    out.push({ kind: 'error', error: 'not an event (no Code=)', raw: junk.subarray(0, ERROR_SAMPLE_BYTES) });
  }
  for (let i = 0; i < starts.length; i++) {
    const raw = Buffer.from(trim(body.subarray(starts[i], starts[i + 1] ?? body.length)));
    out.push(parseEventLine(raw));
  }
}

const MAX_CODE_CHARS = 64;

/** `Code=X;action=Y;index=N[;data=JSON]` → a record. */
export function parseEventLine(raw: Buffer): DahuaEvent | DahuaError | DahuaIgnored {
  const text = raw.toString('utf8');
  const dataAt = text.indexOf(';data=');
  const head = dataAt >= 0 ? text.slice(0, dataAt) : text;
  const fields = new Map<string, string>();
  for (const pair of head.split(/[;\r\n]+/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  const code = fields.get('code') ?? '';
  const action = fields.get('action') ?? '';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(code)) {
    return { kind: 'error', error: 'not an event (bad Code=)', raw: raw.subarray(0, ERROR_SAMPLE_BYTES) };
  }
  if (action !== 'Start' && action !== 'Stop' && action !== 'Pulse') {
    if (/^[A-Za-z]{1,32}$/.test(action)) return { kind: 'ignored', code, action, raw };
    return { kind: 'error', error: `${code}: bad action`, raw: raw.subarray(0, ERROR_SAMPLE_BYTES) };
  }
  const indexText = fields.get('index');
  let index = 0;
  if (indexText !== undefined) {
    if (!/^\d{1,5}$/.test(indexText)) {
      return { kind: 'error', error: `${code}: bad index`, raw: raw.subarray(0, ERROR_SAMPLE_BYTES) };
    }
    index = Number(indexText);
  }
  const event: DahuaEvent = { kind: 'event', code, action, index, raw };
  if (dataAt >= 0) {
    const dataText = text.slice(dataAt + ';data='.length).trim();
    try {
      event.data = JSON.parse(dataText) as unknown;
    } catch (e) {
      event.dataError = `data is not JSON: ${printable((e as Error).message).slice(0, 120)}`;
    }
  }
  return event;
}

// ---------------------------------------------------------------- codes → notices

/** Dahua's codes we have a name for (a Map: a code such as `constructor` must not find Object's). */
export const DAHUA_TYPES: ReadonlyMap<string, EventType> = new Map<string, EventType>([
  ['CrossLineDetection', 'fence_intrusion'],
  ['CrossRegionDetection', 'fence_intrusion'],
  ['VideoMotion', 'motion'],
  ['VideoLoss', 'video_loss'],
  ['VideoBlind', 'camera_tamper'],
  ['AlarmLocal', 'one_key_alarm'],
  ['FaceDetection', 'stranger'],
  ['SmokeDetection', 'smoke'],
  ['FireWarning', 'smoke'],
  ['CrowdDetection', 'crowd'],
]);

/** Codes that are the device's housekeeping, not something that happened in front of it. */
export const HOUSEKEEPING_CODES: ReadonlySet<string> = new Set([
  'NewFile',
  'TimeChange',
  'NTPAdjustTime',
  'VideoMotionInfo',
  'IntelliFrame',
  'InterVideoAccess',
  'RtspSessionDisconnect',
  'SnapManual',
  'RecordDelete',
  'UpdateFile',
  'LoginSuccess',
  'Exit',
]);

const ACTIONS = { Start: 'start', Stop: 'stop', Pulse: 'pulse' } as const;

/** How far a device's own time may be from ours and still be believed. */
const MAX_PAST_MS = 24 * 3600_000;
const MAX_FUTURE_MS = 5 * 60_000;
const MAX_ATTRIBUTE_CHARS = 64;

function sane(t: number, now: Date): boolean {
  return Number.isFinite(t) && t >= now.getTime() - MAX_PAST_MS && t <= now.getTime() + MAX_FUTURE_MS;
}

/** Dahua's `LocaleTime`: no fraction, no zone (so Beijing time). */
const LOCALE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** `data.UTC` (seconds), else `data.LocaleTime` ('2024-05-01 12:34:56', Beijing time), else `now`. */
export function eventTime(data: unknown, now: Date): Date {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    if (typeof d.UTC === 'number' && sane(d.UTC * 1000, now)) return new Date(Math.round(d.UTC * 1000));
    if (typeof d.LocaleTime === 'string') {
      const at = parseDeviceTime(d.LocaleTime.trim(), LOCALE_TIME);
      if (at && sane(at.getTime(), now)) return at;
    }
  }
  return now;
}

/** A short storable string, or undefined. */
function short(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = printable(v.trim()).slice(0, MAX_ATTRIBUTE_CHARS);
  return s === '' ? undefined : s;
}

/** An event in our terms; null for housekeeping codes (the hub does not take them). */
export function toNotice(e: DahuaEvent, now: Date): DeviceNotice | null {
  if (HOUSEKEEPING_CODES.has(e.code)) return null;
  const code = printable(e.code).slice(0, MAX_CODE_CHARS);
  const attributes: Record<string, string> = { code };
  const data =
    e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : null;
  if (data) {
    const rule = short(data.Name);
    const direction = short(data.Direction);
    const obj = data.Object && typeof data.Object === 'object' ? (data.Object as Record<string, unknown>) : null;
    const objectType = short(obj?.ObjectType);
    if (rule) attributes.rule = rule;
    if (direction) attributes.direction = direction;
    if (objectType) attributes.objectType = objectType;
  }
  if (e.dataError) attributes.dataError = 'malformed data';
  return {
    code,
    type: DAHUA_TYPES.get(e.code) ?? 'device_alarm',
    action: ACTIONS[e.action],
    channel: String(e.index + 1),
    at: eventTime(e.data, now),
    attributes,
  };
}
