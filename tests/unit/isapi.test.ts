/**
 * The Hikvision ISAPI alert parser (server/devices/isapi.ts, issue 18): realistic alerts from
 * cameras and NVRs (tests/fixtures/isapi/, written after public examples of the "HTTP listening"
 * push), the mapping to our event types, and malformed ones, each an `IsapiParseError` naming the
 * field; a full-Unicode fuzz checks that nothing else is ever thrown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { cleanText, IsapiParseError, parseIsapiAlert, parseIsapiTime } from '../../server/devices/isapi';
import { isStorable } from '@shared/text';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/isapi/${name}`, import.meta.url));
const xml = (s: string) => Buffer.from(s, 'utf8');

/** A minimal alert with the given inner elements. */
const alert = (inner: string, ns = 'http://www.hikvision.com/ver20/XMLSchema') =>
  xml(`<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0"${ns ? ` xmlns="${ns}"` : ''}>${inner}</EventNotificationAlert>`);
const basic = (over: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    macAddress: 'bc:ad:28:4f:1e:07',
    channelID: '1',
    dateTime: '2024-05-09T10:37:45+08:00',
    eventType: 'VMD',
    eventState: 'active',
    ...over,
  };
  return Object.entries(fields)
    .filter(([, v]) => v !== '\u0001omit')
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
};
const OMIT = '\u0001omit';

function fails(buf: Buffer): IsapiParseError {
  try {
    parseIsapiAlert(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(IsapiParseError);
    return err as IsapiParseError;
  }
  throw new Error('parsed, but should have failed');
}

describe('ISAPI alerts from devices', () => {
  it('reads a camera line-crossing alert (hikvision namespace)', () => {
    const r = parseIsapiAlert(fixture('linedetection-hikvision.xml'));
    expect(r.heartbeat).toBe(false);
    expect(r.identity).toEqual({ mac: 'bc:ad:28:4f:1e:07', address: '10.20.31.64' });
    expect(r.notice).toEqual({
      code: 'linedetection',
      type: 'fence_intrusion',
      action: 'start',
      channel: '1',
      at: new Date('2024-05-09T02:37:45Z'),
      attributes: {
        code: 'linedetection',
        description: 'linedetection alarm',
        channelName: '东门 北向',
        activePostCount: 3,
        rule: 'line',
        region: '1',
        target: 'human',
      },
    });
  });

  it('reads a field-detection alert in the isapi.org namespace', () => {
    const r = parseIsapiAlert(fixture('fielddetection-isapi.xml'));
    expect(r.identity.mac).toBe('44:19:b6:0a:7c:e2');
    expect(r.notice).toMatchObject({
      code: 'fielddetection',
      type: 'fence_intrusion',
      channel: '2',
      at: new Date('2024-11-22T04:05:12Z'),
      attributes: { rule: 'field', region: '3', target: 'vehicle', channelName: 'Loading Bay' },
    });
  });

  it("takes an NVR's dynChannelID over its channelID", () => {
    const r = parseIsapiAlert(fixture('nvr-dynchannel.xml'));
    expect(r.notice).toMatchObject({ code: 'regionEntrance', type: 'fence_intrusion', channel: '5' });
    expect(r.notice!.attributes).toMatchObject({ rule: 'entrance', activePostCount: 12 });
  });

  it('reads a heartbeat as no notice', () => {
    const r = parseIsapiAlert(fixture('heartbeat.xml'));
    expect(r).toEqual({
      heartbeat: true,
      notice: null,
      identity: { mac: 'bc:ad:28:4f:1e:07', address: '10.20.31.64' },
    });
    // A heartbeat needs neither a channel nor a time.
    expect(parseIsapiAlert(alert('<eventType>heartBeat</eventType>')).heartbeat).toBe(true);
  });

  it('reads an inactive video loss as a stop', () => {
    const r = parseIsapiAlert(fixture('videoloss-inactive.xml'));
    expect(r.notice).toMatchObject({ type: 'video_loss', action: 'stop', channel: '3' });
  });

  it('keeps an unknown eventType as a device alarm with its code', () => {
    const r = parseIsapiAlert(fixture('unknown-event.xml'));
    expect(r.notice).toMatchObject({ code: 'loitering', type: 'device_alarm', action: 'start' });
    expect(r.notice!.attributes.code).toBe('loitering');
  });

  it('takes a time without an offset as Beijing time (no namespace, channel 01)', () => {
    const r = parseIsapiAlert(fixture('no-offset.xml'));
    expect(r.notice).toMatchObject({ type: 'motion', channel: '1', at: new Date('2024-05-09T02:37:45Z') });
  });

  it.each([
    ['linedetection', 'fence_intrusion', 'line'],
    ['fielddetection', 'fence_intrusion', 'field'],
    ['regionEntrance', 'fence_intrusion', 'entrance'],
    ['regionExiting', 'fence_intrusion', 'exit'],
    ['facedetection', 'stranger', undefined],
    ['VMD', 'motion', undefined],
    ['vmd', 'motion', undefined],
    ['videoloss', 'video_loss', undefined],
    ['videoLoss', 'video_loss', undefined],
    ['tamperdetection', 'camera_tamper', undefined],
    ['shelteralarm', 'camera_tamper', undefined],
    ['fireDetection', 'smoke', undefined],
    ['smokeDetection', 'smoke', undefined],
    ['crowdDetection', 'crowd', undefined],
    ['highDensity', 'crowd', undefined],
    ['IO', 'one_key_alarm', undefined],
    ['diskfull', 'device_alarm', undefined],
  ])('maps %s to %s', (code, type, rule) => {
    const n = parseIsapiAlert(alert(basic({ eventType: code }))).notice!;
    expect(n.type).toBe(type);
    expect(n.code).toBe(code);
    expect(n.attributes.rule).toBe(rule);
  });

  it('takes an alarm input without a channel from its inputIOPortID', () => {
    const n = parseIsapiAlert(alert(basic({ eventType: 'IO', channelID: OMIT, inputIOPortID: '2' }))).notice!;
    expect(n).toMatchObject({ type: 'one_key_alarm', channel: '2', attributes: { inputPort: 2 } });
  });

  it('reads prefixed elements and an absent eventState as active', () => {
    const doc = xml(
      `<h:EventNotificationAlert xmlns:h="http://www.isapi.org/ver20/XMLSchema"><h:channelID>4</h:channelID>` +
        `<h:dateTime>2024-05-09T10:37:45Z</h:dateTime><h:eventType>facedetection</h:eventType></h:EventNotificationAlert>`,
    );
    expect(parseIsapiAlert(doc).notice).toMatchObject({ type: 'stranger', action: 'start', channel: '4' });
  });

  it('cleans and cuts attributes, and ignores a bad MAC or address', () => {
    const long = '长'.repeat(150) + '😀'.repeat(40);
    const r = parseIsapiAlert(
      alert(basic({ channelName: `a\u0001b\u0000c\u0007 ${long}`, macAddress: 'not-a-mac', ipAddress: '999.1.1.1' })),
    );
    const name = r.notice!.attributes.channelName as string;
    expect(name.startsWith('abc 长')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(200);
    expect(isStorable(name)).toBe(true);
    expect(r.identity).toEqual({});
  });

  it('decodes UTF-16 and a declared GB2312, and drops the lone surrogates UTF-16 can carry', () => {
    const text = `<?xml version="1.0" encoding="UTF-16"?><EventNotificationAlert>${basic({ channelName: 'x\ud800y' })}</EventNotificationAlert>`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]);
    expect(parseIsapiAlert(utf16).notice!.attributes.channelName).toBe('xy');
    const gb = iconv.encode(
      `<?xml version="1.0" encoding="GB2312"?><EventNotificationAlert>${basic({ channelName: '东门' })}</EventNotificationAlert>`,
      'gb2312',
    );
    expect(parseIsapiAlert(gb).notice!.attributes.channelName).toBe('东门');
  });

  it('reads times', () => {
    expect(parseIsapiTime('2024-05-09T10:37:45+0800')).toEqual(new Date('2024-05-09T02:37:45Z'));
    expect(parseIsapiTime('2024-05-09 10:37:45.250Z')).toEqual(new Date('2024-05-09T10:37:45.250Z'));
    expect(parseIsapiTime('2024-02-29T00:00:00Z')).not.toBeNull();
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-05-09T24:00:00Z',
      '2020-02-19T18:44:4400:00',
      '2024-05-09T10:37:45+15:00',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-08:00',
      '',
    ])
      expect(parseIsapiTime(bad), bad).toBeNull();
  });
});

describe('malformed ISAPI alerts', () => {
  it.each([
    ['broken XML', xml('<EventNotificationAlert><eventType>VMD</eventTyp></EventNotificationAlert>'), 'xml', /line 1/],
    ['an empty body', Buffer.alloc(0), 'xml', /empty/],
    ['not XML at all', xml('{"eventType":"VMD"}'), 'xml', /well-formed/],
    ['a DOCTYPE', xml('<!DOCTYPE a [<!ENTITY x "y">]><EventNotificationAlert/>'), 'xml', /DOCTYPE/],
    ['the wrong root', xml('<EventTriggerList><eventType>VMD</eventType></EventTriggerList>'), 'xml', /root/],
    ['two roots', xml('<EventNotificationAlert/><EventNotificationAlert/>'), 'xml', /root|well-formed/],
    ['the wrong namespace', alert(basic(), 'http://www.hikvision.com/ver10/XMLSchema'), 'xmlns', /must be/],
    [
      'an undeclared prefix',
      xml('<h:EventNotificationAlert><h:eventType>VMD</h:eventType></h:EventNotificationAlert>'),
      'xmlns',
      /prefix/,
    ],
    ['no eventType', alert(basic({ eventType: OMIT })), 'eventType', /missing/],
    ['an empty eventType', alert(basic({ eventType: '' })), 'eventType', /empty/],
    ['two eventTypes', alert(basic() + '<eventType>IO</eventType>'), 'eventType', /more than once/],
    ['a structured eventType', alert(basic({ eventType: '<a>1</a>' })), 'eventType', /text/],
    ['NUL in eventType', alert(basic({ eventType: 'VMD\u0000' })), 'eventType', /U\+0000/],
    ['a control character in eventType', alert(basic({ eventType: 'VM\u0007D' })), 'eventType', /printable/],
    ['NUL in the channel', alert(basic({ channelID: '1\u0000' })), 'channelID', /U\+0000/],
    ['no channel', alert(basic({ channelID: OMIT })), 'channelID', /missing/],
    ['channel 0', alert(basic({ channelID: '0' })), 'channelID', /positive/],
    ['channel -1', alert(basic({ channelID: '-1' })), 'channelID', /positive/],
    ['channel 1.5', alert(basic({ channelID: '1.5' })), 'channelID', /positive/],
    ['a bad dynChannelID', alert(basic({ dynChannelID: 'D1' })), 'dynChannelID', /positive/],
    ['no dateTime', alert(basic({ dateTime: OMIT })), 'dateTime', /missing/],
    ['a bad dateTime', alert(basic({ dateTime: '09/05/2024 10:37' })), 'dateTime', /ISO 8601/],
    ['a bad eventState', alert(basic({ eventState: 'on' })), 'eventState', /active or inactive/],
    [
      'nesting past the limit',
      xml(`<EventNotificationAlert>${'<a>'.repeat(150)}${'</a>'.repeat(150)}</EventNotificationAlert>`),
      'xml',
      /nested/i,
    ],
    ['a prototype-like tag', alert(basic() + '<__proto__>1</__proto__>'), 'xml', /reserved/],
  ])('refuses %s', (_what, buf, field, message) => {
    const err = fails(buf);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(isStorable(err.message)).toBe(true);
  });

  it('names a lone surrogate in eventType (from UTF-16) and keeps the identity read so far', () => {
    const text = `<EventNotificationAlert>${basic({ eventType: 'V\udc00MD' })}</EventNotificationAlert>`;
    const err = fails(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')]));
    expect(err.field).toBe('eventType');
    expect(err.message).toMatch(/lone surrogate \(U\+DC00\)/);
    expect(err.identity).toEqual({ mac: 'bc:ad:28:4f:1e:07' });
  });

  it('refuses an encoding it does not know', () => {
    const buf = Buffer.concat([
      xml('<?xml version="1.0" encoding="x-klingon"?><EventNotificationAlert>'),
      Buffer.from([0xff, 0xfe, 0x80]),
    ]);
    expect(fails(buf).message).toMatch(/encoding "x-klingon"/);
  });

  it('never throws anything but its own error, and what it returns is storable (full-Unicode fuzz)', () => {
    const field = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('1', '0', 'VMD', 'heartBeat', 'inactive'),
    );
    const names = fc.constantFrom(
      'eventType',
      'eventState',
      'channelID',
      'dynChannelID',
      'dateTime',
      'channelName',
      'macAddress',
      'ipAddress',
      'eventDescription',
      'activePostCount',
      'inputIOPortID',
    );
    const body = fc.oneof(
      // Well-formed alerts with arbitrary text (escaped), arbitrary raw text, and arbitrary bytes.
      fc
        .array(fc.tuple(names, field), { maxLength: 8 })
        .map((pairs) =>
          alert(pairs.map(([k, v]) => `<${k}>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`).join('')),
        ),
      fc
        .array(fc.tuple(names, field), { maxLength: 8 })
        .map((pairs) => alert(pairs.map(([k, v]) => `<${k}>${v}</${k}>`).join(''))),
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc
        .string({ unit: 'binary' })
        .map((s) =>
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            iconv.encode(
              `<EventNotificationAlert>${basic({ channelName: s, eventDescription: s })}</EventNotificationAlert>`,
              'utf16le',
            ),
          ]),
        ),
    );
    fc.assert(
      fc.property(body, (buf) => {
        try {
          const r = parseIsapiAlert(buf);
          const attributes: Record<string, unknown> = r.notice?.attributes ?? {};
          for (const v of [
            r.identity.mac,
            r.identity.serial,
            r.identity.address,
            ...Object.values(attributes),
            r.notice?.code ?? '',
            r.notice?.channel ?? '',
          ]) {
            if (typeof v === 'string') expect(isStorable(v) && v.length <= 200).toBe(true);
          }
        } catch (err) {
          if (!(err instanceof IsapiParseError)) throw err;
          expect(isStorable(err.message)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('cleanText never splits a surrogate pair', () => {
    expect(cleanText('a' + '😀'.repeat(3), 4)).toBe('a😀');
    expect(cleanText(' \t x\ny \u0000', 10)).toBe('x y');
  });
});
