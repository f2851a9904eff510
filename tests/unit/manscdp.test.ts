/**
 * GB/T 28181 MANSCDP bodies (server/devices/manscdp.ts, issue 18): decoding GBK and UTF-8, the
 * AlarmMethod/AlarmType → event type table row by row, AlarmTime as Beijing time, what is refused
 * (and that the error names the element), and fuzzing: whatever text or bytes come in, the parser
 * throws nothing but its own ManscdpError, and what it returns is storable.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { decodeBody, eventTypeOf, isAlarm, ManscdpError, parseAlarmTime, parseManscdp } from '@server/devices/manscdp';
import type { ManscdpAlarm, ManscdpKeepalive } from '@server/devices/manscdp';
import { isStorable } from '@shared/text';

const DEVICE = '34020000001340000001';

interface AlarmFields {
  deviceId?: string | null;
  priority?: string | null;
  method?: string | null;
  time?: string | null;
  description?: string | null;
  lon?: string | null;
  lat?: string | null;
  type?: string | null;
  declaration?: string | null;
}

/** An alarm body; a field set to null is left out. */
function alarmXml(f: AlarmFields = {}): string {
  const el = (name: string, v: string | null | undefined, dflt: string | null) => {
    const value = v === undefined ? dflt : v;
    return value === null ? '' : `<${name}>${value}</${name}>`;
  };
  const decl = f.declaration === undefined ? '<?xml version="1.0" encoding="GB2312"?>\n' : (f.declaration ?? '');
  return (
    `${decl}<Notify><CmdType>Alarm</CmdType><SN>7</SN>` +
    el('DeviceID', f.deviceId, DEVICE) +
    el('AlarmPriority', f.priority, '1') +
    el('AlarmMethod', f.method, '5') +
    el('AlarmTime', f.time, '2024-05-09T10:37:45') +
    el('AlarmDescription', f.description, '入侵') +
    el('Longitude', f.lon, '114.3') +
    el('Latitude', f.lat, '30.5') +
    (f.type === null ? '' : `<Info><AlarmType>${f.type ?? '6'}</AlarmType></Info>`) +
    `</Notify>`
  );
}

function alarm(text: string): ManscdpAlarm {
  const m = parseManscdp(text);
  if (!isAlarm(m)) throw new Error(`not an alarm: ${JSON.stringify(m)}`);
  return m;
}

/** The ManscdpError a body gives (fails when it parses). */
function refusal(text: string): ManscdpError {
  try {
    parseManscdp(text);
  } catch (e) {
    if (e instanceof ManscdpError) return e;
    throw e;
  }
  throw new Error('parsed, but should not have');
}

describe('decodeBody', () => {
  const chinese = '区域入侵报警';

  it('decodes a GB2312-declared body from GBK bytes, whatever the device is set to', () => {
    const bytes = iconv.encode(alarmXml({ description: chinese }), 'gbk');
    expect(bytes.includes(Buffer.from(chinese, 'utf8'))).toBe(false);
    for (const charset of ['gbk', 'utf-8'] as const) {
      expect(alarm(decodeBody(bytes, charset)).notice.attributes.description).toBe(chinese);
    }
  });

  it('decodes a UTF-8-declared body as UTF-8 even for a device set to GBK', () => {
    const bytes = Buffer.from(
      alarmXml({ declaration: '<?xml version="1.0" encoding="UTF-8"?>', description: chinese }),
    );
    expect(alarm(decodeBody(bytes, 'gbk')).notice.attributes.description).toBe(chinese);
  });

  it('takes the device charset when nothing is declared', () => {
    const xml = alarmXml({ declaration: null, description: chinese });
    expect(alarm(decodeBody(iconv.encode(xml, 'gbk'), 'gbk')).notice.attributes.description).toBe(chinese);
    expect(alarm(decodeBody(Buffer.from(xml, 'utf8'), 'utf-8')).notice.attributes.description).toBe(chinese);
  });

  it('takes a UTF-8 BOM over the declaration and the device', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(alarmXml({ description: chinese }))]);
    expect(alarm(decodeBody(bytes, 'gbk')).notice.attributes.description).toBe(chinese);
  });

  it('decodes GB18030 four-byte characters and falls back to the device charset for an unknown encoding', () => {
    const rare = '𠀀'; // U+20000: four bytes in GB18030, none in GBK
    const bytes = iconv.encode(
      alarmXml({ declaration: '<?xml version="1.0" encoding="GB18030"?>', description: rare }),
      'gb18030',
    );
    expect(alarm(decodeBody(bytes, 'utf-8')).notice.attributes.description).toBe(rare);
    const unknown = Buffer.from(
      alarmXml({ declaration: '<?xml version="1.0" encoding="X-NONSENSE"?>', description: chinese }),
    );
    expect(alarm(decodeBody(unknown, 'utf-8')).notice.attributes.description).toBe(chinese);
  });
});

describe('alarms', () => {
  it('reads the example alarm', () => {
    const text =
      '<?xml version="1.0" encoding="GB2312"?>\n<Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>34020000001340000001</DeviceID>' +
      '<AlarmPriority>1</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2024-05-09T10:37:45</AlarmTime>' +
      '<AlarmDescription>入侵</AlarmDescription><Longitude>114.3</Longitude><Latitude>30.5</Latitude>' +
      '<Info><AlarmType>6</AlarmType><AlarmTypeParam><EventType>1</EventType></AlarmTypeParam></Info></Notify>';
    expect(alarm(text)).toEqual({
      cmdType: 'Alarm',
      deviceId: DEVICE,
      sn: 1,
      notice: {
        code: '5/6',
        type: 'fence_intrusion',
        action: 'pulse',
        channel: DEVICE,
        at: new Date('2024-05-09T10:37:45+08:00'),
        severity: 1,
        location: { lon: 114.3, lat: 30.5 },
        attributes: { method: 5, alarmType: 6, eventType: 1, description: '入侵', sn: 1 },
      },
    });
  });

  it.each([
    ['1', null, 'one_key_alarm'],
    ['1', '3', 'one_key_alarm'],
    ['2', '1', 'video_loss'],
    ['2', '2', 'camera_tamper'],
    ['2', '3', 'device_alarm'],
    ['2', '4', 'device_alarm'],
    ['2', '5', 'device_alarm'],
    ['2', null, 'device_alarm'],
    ['3', null, 'device_alarm'],
    ['4', null, 'device_alarm'],
    ['5', '1', 'one_key_alarm'],
    ['5', '2', 'motion'],
    ['5', '3', 'device_alarm'],
    ['5', '4', 'device_alarm'],
    ['5', '5', 'fence_intrusion'],
    ['5', '6', 'fence_intrusion'],
    ['5', '7', 'device_alarm'],
    ['5', '8', 'device_alarm'],
    ['5', '9', 'device_alarm'],
    ['5', '10', 'crowd'],
    ['5', '11', 'device_alarm'],
    ['5', '12', 'device_alarm'],
    ['5', '99', 'device_alarm'],
    ['5', null, 'device_alarm'],
    ['6', '1', 'device_alarm'],
    ['6', '2', 'device_alarm'],
    ['7', null, 'device_alarm'],
    ['42', '1', 'device_alarm'],
    ['x', 'y', 'device_alarm'],
    [null, null, 'device_alarm'],
  ])('AlarmMethod %s, AlarmType %s → %s', (method, type, expected) => {
    const a = alarm(alarmXml({ method, type }));
    expect(a.notice.type).toBe(expected);
    expect(a.notice.action).toBe('pulse');
    if (method !== null && /^\d+$/.test(method)) expect(a.notice.attributes.method).toBe(Number(method));
    if (type !== null) expect(String(a.notice.attributes.alarmType)).toBe(type);
    else expect(a.notice.attributes.alarmType).toBeUndefined();
  });

  it('reads an AlarmType sent at the top level (older devices)', () => {
    const text = alarmXml({ type: null }).replace('</Notify>', '<AlarmType>2</AlarmType></Notify>');
    expect(alarm(text).notice.type).toBe('motion');
    expect(eventTypeOf(5, 2)).toBe('motion');
  });

  it('takes AlarmTime without a zone as Beijing time, and keeps a zone when one is given', () => {
    expect(alarm(alarmXml()).notice.at.toISOString()).toBe('2024-05-09T02:37:45.000Z');
    expect(parseAlarmTime('2024-01-01T00:00:00')?.toISOString()).toBe('2023-12-31T16:00:00.000Z');
    expect(parseAlarmTime('2024-05-09 10:37:45.250')?.toISOString()).toBe('2024-05-09T02:37:45.250Z');
    expect(parseAlarmTime('2024-05-09T10:37:45Z')?.toISOString()).toBe('2024-05-09T10:37:45.000Z');
    expect(parseAlarmTime('2024-05-09T10:37:45+09:00')?.toISOString()).toBe('2024-05-09T01:37:45.000Z');
    expect(parseAlarmTime('2024-02-29T12:00:00')).not.toBeNull();
    for (const bad of [
      '2023-02-29T12:00:00',
      '2024-13-01T00:00:00',
      '2024-04-31T00:00:00',
      '2024-05-09T24:00:00',
      '2024-05-09',
      'now',
      '',
    ]) {
      expect(parseAlarmTime(bad), bad).toBeNull();
    }
  });

  it('keeps the position only when both are finite, in range and not 0,0', () => {
    expect(alarm(alarmXml({ lon: '0', lat: '0' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: '0.0', lat: '0.00' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: '181', lat: '30' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: '114', lat: '-91' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: 'east', lat: '30' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: 'Infinity', lat: '30' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: null })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: '', lat: '' })).notice.location).toBeUndefined();
    expect(alarm(alarmXml({ lon: '0', lat: '30.5' })).notice.location).toEqual({ lon: 0, lat: 30.5 });
  });

  it('cuts the description to 200 characters and makes it storable', () => {
    const long = '报'.repeat(150) + '😀'.repeat(100);
    const d = alarm(alarmXml({ description: long })).notice.attributes.description as string;
    expect(Array.from(d)).toHaveLength(200);
    expect(isStorable(d)).toBe(true);
    expect(alarm(alarmXml({ description: 'a&#0;b&#xD800;c&amp;&lt;' })).notice.attributes.description).toBe(
      'a\\u0000b\\ud800c&<',
    );
    expect(alarm(alarmXml({ description: null })).notice.attributes.description).toBeUndefined();
  });

  it('leaves severity out when AlarmPriority is absent (never drops the alarm)', () => {
    expect(alarm(alarmXml({ priority: null })).notice.severity).toBeUndefined();
  });
});

describe('keepalives and other commands', () => {
  it('reads a keepalive with its channels (20-digit ones only, once each)', () => {
    const m = parseManscdp(
      '<?xml version="1.0"?><Notify><CmdType>Keepalive</CmdType><SN>43</SN><DeviceID>34020000001320000001</DeviceID>' +
        '<Status>OK</Status><Info><DeviceID>34020000001310000001</DeviceID><DeviceID>123</DeviceID>' +
        '<DeviceID>34020000001310000001</DeviceID><DeviceID>34020000001310000002</DeviceID></Info></Notify>',
    ) as ManscdpKeepalive;
    expect(m).toEqual({
      cmdType: 'Keepalive',
      deviceId: '34020000001320000001',
      sn: 43,
      status: 'OK',
      channels: ['34020000001310000001', '34020000001310000002'],
    });
  });

  it('reads a keepalive without Info', () => {
    const m = parseManscdp(
      '<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001320000001</DeviceID><Status>OK</Status></Notify>',
    );
    expect(m).toMatchObject({ cmdType: 'Keepalive', channels: [] });
  });

  it('returns other commands (and any Response) as "other"', () => {
    expect(parseManscdp('<Notify><CmdType>MediaStatus</CmdType><DeviceID>x</DeviceID></Notify>')).toEqual({
      cmdType: 'MediaStatus',
      kind: 'other',
    });
    expect(parseManscdp(`<Response><CmdType>Alarm</CmdType><DeviceID>${DEVICE}</DeviceID></Response>`)).toEqual({
      cmdType: 'Alarm',
      kind: 'other',
    });
  });
});

describe('refusals name the element', () => {
  it.each([
    ['broken XML', '<Notify><CmdType>Alarm</CmdType><DeviceID>1</Notify>', 'xml'],
    ['not XML', 'hello', 'xml'],
    ['empty', '  ', 'body'],
    ['two roots', '<Notify><CmdType>Alarm</CmdType></Notify><Notify/>', 'xml'],
    ['a Query root', '<Query><CmdType>Catalog</CmdType></Query>', 'Query'],
    ['a DOCTYPE', '<!DOCTYPE Notify [<!ENTITY a "b">]><Notify><CmdType>&a;</CmdType></Notify>', 'xml'],
    ['no CmdType', `<Notify><DeviceID>${DEVICE}</DeviceID></Notify>`, 'CmdType'],
    ['an empty root', '<Notify></Notify>', 'Notify'],
    ['no DeviceID', alarmXml({ deviceId: null }), 'DeviceID'],
    ['a 19-digit DeviceID', alarmXml({ deviceId: '3402000000134000000' }), 'DeviceID'],
    ['a DeviceID with letters', alarmXml({ deviceId: '3402000000134000000A' }), 'DeviceID'],
    ['a DeviceID with elements', alarmXml({ deviceId: '<a>1</a>' }), 'DeviceID'],
    ['no AlarmTime', alarmXml({ time: null }), 'AlarmTime'],
    ['a bad AlarmTime', alarmXml({ time: '2024-02-30T10:00:00' }), 'AlarmTime'],
    ['AlarmTime as words', alarmXml({ time: 'yesterday' }), 'AlarmTime'],
    ['priority 0', alarmXml({ priority: '0' }), 'AlarmPriority'],
    ['priority 5', alarmXml({ priority: '5' }), 'AlarmPriority'],
    ['priority as words', alarmXml({ priority: 'high' }), 'AlarmPriority'],
    ['a keepalive without DeviceID', '<Notify><CmdType>Keepalive</CmdType><Status>OK</Status></Notify>', 'DeviceID'],
  ])('%s', (_name, text, element) => {
    const e = refusal(text);
    expect(e.element).toBe(element);
    expect(e.message.startsWith(`${element}: `)).toBe(true);
  });
});

describe('fuzzing', { timeout: 30_000 }, () => {
  /** Runs the parser: only ManscdpError may come out, and every string it returns or says is storable. */
  const onlyOwnErrors = (run: () => unknown): void => {
    let m: { notice?: { attributes: Record<string, unknown> } };
    try {
      m = run() as typeof m;
    } catch (e) {
      if (!(e instanceof ManscdpError)) throw e;
      if (!isStorable(e.message)) throw new Error(`unstorable error: ${JSON.stringify(e.message)}`, { cause: e });
      return;
    }
    for (const v of Object.values(m.notice?.attributes ?? {})) {
      if (typeof v === 'string' && !isStorable(v)) throw new Error(`unstorable attribute: ${JSON.stringify(v)}`);
    }
  };

  it('full-Unicode text: nothing but ManscdpError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => onlyOwnErrors(() => parseManscdp(s))),
      { numRuns: 300 },
    );
  });

  it('random bytes in either charset: nothing but ManscdpError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('gbk' as const, 'utf-8' as const), (b, cs) =>
        onlyOwnErrors(() => parseManscdp(decodeBody(Buffer.from(b), cs))),
      ),
      { numRuns: 300 },
    );
  });

  it('alarms with random fields: nothing but ManscdpError, descriptions storable', () => {
    const field = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[<&]/g, '')),
      fc.constantFrom('1', '5', '0', '', '34020000001340000001', '2024-05-09T10:37:45', '&#0;', '&#xDFFF;', '<x/>'),
    );
    fc.assert(
      fc.property(
        fc.record({
          deviceId: field,
          priority: field,
          method: field,
          time: field,
          description: field,
          lon: field,
          lat: field,
          type: field,
        }),
        (f) => onlyOwnErrors(() => parseManscdp(alarmXml(f))),
      ),
      { numRuns: 300 },
    );
  });

  it('the byte-wise mutations of a GBK alarm: nothing but ManscdpError', () => {
    const base = iconv.encode(alarmXml({ description: '区域入侵报警' }), 'gbk');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(base.length), (at, byte, cut) => {
        const b = Buffer.from(base);
        b[at] = byte;
        onlyOwnErrors(() => parseManscdp(decodeBody(b.subarray(0, cut), 'gbk')));
      }),
      { numRuns: 300 },
    );
  });
});
