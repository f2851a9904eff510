/**
 * Dahua's event stream parser and code mapping (server/devices/dahua-stream.ts): a recorded-style
 * stream (tests/fixtures/dahua/attach-stream.txt, LF as `curl` shows devices' output) split at every
 * byte offset gives the same records; CRLF, missing Content-Length, stray status lines, several
 * `Code=` lines in a part, malformed data; oversized parts are dropped with bounded memory; fuzzed
 * bytes and text never throw.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DahuaStreamParser,
  MAX_PART_BYTES,
  eventTime,
  toNotice,
  type DahuaEvent,
  type DahuaRecord,
} from '@server/devices/dahua-stream';
import { dahuaPart } from '../support/dahua-server';

const FIXTURE = readFileSync(new URL('../fixtures/dahua/attach-stream.txt', import.meta.url));

/** A record as a short line, for comparing whole streams. */
function show(r: DahuaRecord): string {
  switch (r.kind) {
    case 'heartbeat':
      return 'heartbeat';
    case 'ignored':
      return `ignored ${r.code}/${r.action}`;
    case 'error':
      return `error ${r.error}`;
    case 'event':
      return `${r.code}/${r.action}/${r.index}${r.data === undefined ? '' : ` ${JSON.stringify(r.data)}`}${r.dataError ? ' (bad data)' : ''}`;
  }
}

function parseAll(chunks: Buffer[], opts?: ConstructorParameters<typeof DahuaStreamParser>[0]): DahuaRecord[] {
  const p = new DahuaStreamParser(opts);
  const out: DahuaRecord[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

const EXPECTED = [
  'heartbeat',
  'ignored VideoMotionInfo/State',
  'VideoMotion/Start/0 {"Id":[0],"RegionName":["Region1"],"SmartMotionEnable":true}',
  'CrossLineDetection/Start/1 {"Class":"Normal","Direction":"LeftToRight","EventID":10081,"LocaleTime":"2024-05-01 20:00:00","Name":"东门 警戒线","Object":{"ObjectType":"Human","ObjectID":12},"UTC":1714564800}',
  'VideoLoss/Pulse/3',
  'VideoBlind/Start/2',
  'AlarmLocal/Start/0 (bad data)',
  'error not an event (no Code=)',
  'NewFile/Pulse/0 {"File":"/mnt/a.jpg"}',
  'SmartMotionHuman/Stop/0',
  'heartbeat',
];

describe('DahuaStreamParser', () => {
  it('parses the fixture stream in one chunk', () => {
    const records = parseAll([FIXTURE]);
    expect(records.map(show)).toEqual(EXPECTED);
    const line = records.find((r): r is DahuaEvent => r.kind === 'event' && r.code === 'CrossLineDetection')!;
    expect(line.raw.toString('utf8')).toMatch(/^Code=CrossLineDetection;action=Start;index=1;data=\{[\s\S]*\}$/);
  });

  it('gives the same records however the stream is split (every byte offset, and byte by byte)', () => {
    for (let i = 1; i < FIXTURE.length; i++) {
      const records = parseAll([FIXTURE.subarray(0, i), FIXTURE.subarray(i)]);
      expect(records.map(show), `split at ${i}`).toEqual(EXPECTED);
    }
    const bytes = [...FIXTURE].map((b) => Buffer.from([b]));
    expect(parseAll(bytes).map(show)).toEqual(EXPECTED);
  });

  it('emits a part as soon as its Content-Length is in, without waiting for the next boundary', () => {
    const p = new DahuaStreamParser();
    const part = dahuaPart('Code=VideoMotion;action=Start;index=0');
    expect(p.push(part.subarray(0, part.length - 5)).map(show)).toEqual([]);
    expect(p.push(part.subarray(part.length - 5, part.length - 4)).map(show)).toEqual(['VideoMotion/Start/0']);
    expect(p.push(part.subarray(part.length - 4)).map(show)).toEqual([]);
  });

  it('takes CRLF, LF, no Content-Length, a lying Content-Length and boundaries without CRLFs', () => {
    const stream = Buffer.concat([
      dahuaPart('Code=VideoMotion;action=Start;index=0'),
      dahuaPart('Code=VideoMotion;action=Stop;index=0', false),
      dahuaPart('Code=VideoLoss;action=Start;index=4', 500), // declares more than it sends
      Buffer.from('--myboundaryCode=VideoBlind;action=Stop;index=1--myboundary\nContent-Length: 9\n\nHeartbeat'),
      Buffer.from('--myboundary\r\nHTTP/1.1 200 OK\r\nServer: Webs\r\n\r\n'),
      Buffer.from(
        '--myboundary\r\nContent-Type: text/plain\r\n\r\nCode=FaceDetection;action=Pulse;index=0;data={"UTC":1}\r\n',
      ),
      Buffer.from('--myboundary--\r\n'),
    ]);
    const expected = [
      'VideoMotion/Start/0',
      'VideoMotion/Stop/0',
      'VideoLoss/Start/4',
      'VideoBlind/Stop/1',
      'heartbeat',
      'FaceDetection/Pulse/0 {"UTC":1}',
    ];
    expect(parseAll([stream]).map(show)).toEqual(expected);
    for (let i = 1; i < stream.length; i += 7) {
      expect(parseAll([stream.subarray(0, i), stream.subarray(i)]).map(show), `split at ${i}`).toEqual(expected);
    }
  });

  it('trusts a Content-Length that counts characters, not bytes, only as far as the boundary', () => {
    const body = 'Code=CrossRegionDetection;action=Start;index=0;data={ "Name" : "北门区域" }';
    const chars = dahuaPart(body, [...body].length);
    expect(parseAll([chars]).map(show)).toEqual(['CrossRegionDetection/Start/0 {"Name":"北门区域"}']);
  });

  it('splits a part with several Code= lines and keeps each line as its raw', () => {
    const records = parseAll([
      dahuaPart('Code=A;action=Start;index=0\r\nCode=B;action=Stop;index=1;data={\r\n "x": 1\r\n}'),
    ]);
    expect(records.map(show)).toEqual(['A/Start/0', 'B/Stop/1 {"x":1}']);
    expect((records[0] as DahuaEvent).raw.toString()).toBe('Code=A;action=Start;index=0');
  });

  it('refuses bad fields as error records, not exceptions', () => {
    const records = parseAll([
      dahuaPart('Code=;action=Start;index=0'),
      dahuaPart('Code=X;action=St@rt;index=0'),
      dahuaPart('Code=X;action=Start;index=-1'),
      dahuaPart(Buffer.from([0xff, 0xfe, 0x00, 0x43])),
    ]);
    expect(records.map((r) => r.kind)).toEqual(['error', 'error', 'error', 'error']);
  });

  it('drops a part over 1 MiB with one error, keeps memory bounded, and goes on after it', () => {
    const p = new DahuaStreamParser();
    const out: DahuaRecord[] = [];
    out.push(
      ...p.push(Buffer.from('--myboundary\r\nContent-Type: text/plain\r\n\r\nCode=Junk;action=Start;index=0;data=')),
    );
    const junk = Buffer.alloc(64 * 1024, 0x61);
    let most = 0;
    for (let i = 0; i < 32; i++) {
      out.push(...p.push(junk));
      most = Math.max(most, p.bufferedBytes);
    }
    out.push(...p.push(dahuaPart('Code=VideoMotion;action=Start;index=0')));
    expect(most).toBeLessThanOrEqual(MAX_PART_BYTES + junk.length);
    expect(out.map(show)).toEqual([`error part over ${MAX_PART_BYTES} bytes: dropped`, 'VideoMotion/Start/0']);
    expect((out[0] as { raw: Buffer }).raw.length).toBeLessThanOrEqual(4096);
  });

  it('reports bytes with no boundary at all once per MiB and holds almost none of them', () => {
    const p = new DahuaStreamParser();
    const out: DahuaRecord[] = [];
    for (let i = 0; i < 40; i++) out.push(...p.push(Buffer.alloc(64 * 1024, 0x2d)));
    expect(p.bufferedBytes).toBeLessThan(16);
    expect(out.map(show)).toEqual([
      `error no boundary in ${MAX_PART_BYTES} bytes: dropped`,
      `error no boundary in ${MAX_PART_BYTES} bytes: dropped`,
    ]);
  });

  it('honours another boundary', () => {
    const stream = Buffer.from(
      '--abc\r\nContent-Length: 9\r\n\r\nHeartbeat\r\n--abc\r\n\r\nCode=X;action=Pulse;index=2\r\n--abc',
    );
    expect(parseAll([stream], { boundary: 'abc' }).map(show)).toEqual(['heartbeat', 'X/Pulse/2']);
  });

  it('never throws and stays bounded on fuzzed bytes and Unicode text', () => {
    const small = 4096;
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
      fc
        .constantFrom(
          '--myboundary\r\n',
          'Content-Length: 12\r\n',
          'Content-Length: 99999999\r\n',
          'HTTP/1.1 200 OK\r\n',
          '\r\n',
          'Code=VideoMotion;action=Start;index=0;data={"a":',
          'Heartbeat',
        )
        .map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (chunks) => {
        const p = new DahuaStreamParser({ maxPartBytes: small });
        for (const c of chunks) {
          const records = p.push(c);
          expect(p.bufferedBytes).toBeLessThanOrEqual(small + c.length);
          for (const r of records) if (r.kind !== 'heartbeat') expect(r.raw.length).toBeLessThanOrEqual(small + 300);
        }
        p.end();
      }),
      { numRuns: 150 },
    );
  }, 30_000);
});

describe('toNotice', () => {
  const now = new Date('2024-05-01T12:00:30Z');
  const event = (code: string, extra: Partial<DahuaEvent> = {}): DahuaEvent => ({
    kind: 'event',
    code,
    action: 'Start',
    index: 0,
    raw: Buffer.from(`Code=${code}`),
    ...extra,
  });

  it('maps codes to our event types, housekeeping to null, the rest to device_alarm', () => {
    const types = Object.fromEntries(
      [
        'CrossLineDetection',
        'CrossRegionDetection',
        'VideoMotion',
        'VideoLoss',
        'VideoBlind',
        'AlarmLocal',
        'FaceDetection',
        'SmokeDetection',
        'FireWarning',
        'CrowdDetection',
        'NewFile',
        'TimeChange',
        'NTPAdjustTime',
        'LeftDetection',
        'StorageFailure',
        'constructor',
      ].map((c) => [c, toNotice(event(c), now)?.type ?? null]),
    );
    expect(types).toEqual({
      CrossLineDetection: 'fence_intrusion',
      CrossRegionDetection: 'fence_intrusion',
      VideoMotion: 'motion',
      VideoLoss: 'video_loss',
      VideoBlind: 'camera_tamper',
      AlarmLocal: 'one_key_alarm',
      FaceDetection: 'stranger',
      SmokeDetection: 'smoke',
      FireWarning: 'smoke',
      CrowdDetection: 'crowd',
      NewFile: null,
      TimeChange: null,
      NTPAdjustTime: null,
      LeftDetection: 'device_alarm',
      StorageFailure: 'device_alarm',
      constructor: 'device_alarm',
    });
  });

  it('takes channel, action, time and short attributes', () => {
    const n = toNotice(
      event('CrossLineDetection', {
        action: 'Stop',
        index: 2,
        data: { Name: '东门 警戒线', Direction: 'LeftToRight', Object: { ObjectType: 'Human' }, UTC: 1714564825 },
      }),
      now,
    )!;
    expect(n).toEqual({
      code: 'CrossLineDetection',
      type: 'fence_intrusion',
      action: 'stop',
      channel: '3',
      at: new Date(1714564825_000),
      attributes: { code: 'CrossLineDetection', rule: '东门 警戒线', direction: 'LeftToRight', objectType: 'Human' },
    });
    expect(toNotice(event('VideoLoss', { action: 'Pulse' }), now)!.action).toBe('pulse');
    const long = toNotice(event('X', { data: { Name: `\u0000${'x'.repeat(500)}`, Direction: 7 } }), now)!;
    expect(long.attributes).toEqual({ code: 'X', rule: `\\u0000${'x'.repeat(58)}` });
    expect(toNotice(event('X', { dataError: 'bad' }), now)!.attributes.dataError).toBe('malformed data');
  });

  it('believes the device clock only when sane; LocaleTime is Beijing time', () => {
    expect(eventTime({ UTC: 1714564825 }, now)).toEqual(new Date(1714564825_000));
    expect(eventTime({ LocaleTime: '2024-05-01 20:00:10' }, now)).toEqual(new Date('2024-05-01T12:00:10Z'));
    expect(eventTime({ UTC: 1714564825 + 8 * 3600 }, now)).toBe(now); // local time sent as UTC, 8 h ahead
    expect(eventTime({ UTC: 0 }, now)).toBe(now);
    expect(eventTime({ LocaleTime: 'yesterday' }, now)).toBe(now);
    expect(eventTime(undefined, now)).toBe(now);
  });
});
