/**
 * Open311 GeoReport v2 (shared/open311.ts, the XML of server/routes/open311.ts): the services, the
 * status mapping, W3C times at +08:00, the request view (no personal data, no tracking code), the
 * inputs' rules with errors that name the spec's field, and XML that stays well-formed whatever
 * the stored text holds. Pure: no hub.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import type { z } from 'zod';
import { INCIDENT_STATUSES } from '@shared/incident-machine';
import { RISK_CATEGORIES } from '@shared/incident-categories';
import {
  gatherAttributes,
  issueLine,
  open311RequestInput,
  open311RequestOf,
  open311RequestsQuery,
  open311Services,
  open311Status,
  reporterName,
  w3cTime,
  type Open311Facts,
} from '@shared/open311';
import { toXml, xmlSafe } from '@server/routes/open311';

/** The first issue's line, or 'ok'. */
function line(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  return r.success ? 'ok' : issueLine(r.error);
}

const good = { service_code: 'noise', lat: '28.68', long: '115.89', description: '楼下KTV凌晨还在唱' };

describe('services', () => {
  it('offers every category a citizen may report, as the spec lists them', () => {
    const list = open311Services();
    expect(list.map((s) => s.service_code)).toEqual(RISK_CATEGORIES.filter((c) => c !== 'key_person'));
    expect(list.find((s) => s.service_code === 'noise')).toEqual({
      service_code: 'noise',
      service_name: '噪音扰民',
      description: '噪音扰民（Noise），责任部门：生态环境',
      metadata: false,
      type: 'realtime',
      keywords: '噪音扰民,Noise,生态环境,城市管理',
      group: '城市管理',
    });
  });
});

describe('status', () => {
  const table: [string, 'open' | 'closed'][] = [
    ['reported', 'open'],
    ['accepted', 'open'],
    ['dispatched', 'open'],
    ['unit_accepted', 'open'],
    ['on_scene', 'open'],
    ['resolved', 'open'],
    ['verified', 'closed'],
    ['rated', 'closed'],
    ['closed', 'closed'],
    ['merged', 'closed'],
    ['cancelled', 'closed'],
  ];
  it('maps each of our states', () => {
    expect(table.map(([s]) => s)).toEqual([...INCIDENT_STATUSES]);
    for (const [s, want] of table) expect(open311Status(s as (typeof INCIDENT_STATUSES)[number]), s).toBe(want);
  });
});

describe('w3cTime', () => {
  it('writes UTC+8 with its offset, never Z', () => {
    expect(w3cTime(new Date('2026-01-04T23:15:30.789Z'))).toBe('2026-01-05T07:15:30+08:00');
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01Z'), max: new Date('2099-12-31Z'), noInvalidDate: true }), (d) => {
        const s = w3cTime(d);
        expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
        expect(new Date(s).getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
    );
  });
});

describe('the request view', () => {
  const row: Open311Facts & { trackingCode: string; reporter: { name: string; phone: string } } = {
    code: 'E20260105-000042',
    category: 'noise',
    status: 'resolved',
    description: '楼下KTV凌晨还在唱',
    department: '生态环境',
    address: '红谷滩区丰和中大道 1 号',
    lat: 28.68,
    lon: 115.89,
    createdAt: new Date('2026-01-05T00:00:00Z'),
    updatedAt: new Date('2026-01-05T01:30:00Z'),
    resolveDueAt: new Date('2026-01-06T00:00:00Z'),
    trackingCode: 'ABCD-EFGH-JKMN',
    reporter: { name: '张三', phone: '13800138000' },
  };
  it('shows the spec’s fields and nothing personal', () => {
    const v = open311RequestOf(row);
    expect(v).toEqual({
      service_request_id: 'E20260105-000042',
      status: 'open',
      status_notes: '已处置，等待核查',
      service_name: '噪音扰民',
      service_code: 'noise',
      description: '楼下KTV凌晨还在唱',
      agency_responsible: '生态环境',
      service_notice: null,
      requested_datetime: '2026-01-05T08:00:00+08:00',
      updated_datetime: '2026-01-05T09:30:00+08:00',
      expected_datetime: '2026-01-06T08:00:00+08:00',
      address: '红谷滩区丰和中大道 1 号',
      address_id: null,
      zipcode: null,
      lat: 28.68,
      long: 115.89,
      media_url: null,
    });
    const text = JSON.stringify(v);
    for (const secret of ['ABCD-EFGH-JKMN', '张三', '13800138000']) expect(text).not.toContain(secret);
  });
  it('has no expected time without a deadline', () => {
    expect(open311RequestOf({ ...row, resolveDueAt: null }).expected_datetime).toBeNull();
  });
});

describe('POST requests input', () => {
  it('takes a form’s strings and a JSON body’s numbers', () => {
    expect(line(open311RequestInput, good)).toBe('ok');
    expect(line(open311RequestInput, { ...good, lat: 28.68, long: 115.89 })).toBe('ok');
    expect(
      line(open311RequestInput, {
        ...good,
        api_key: 'cik_x',
        jurisdiction_id: 'nc',
        address_string: '丰和中大道 1 号',
        email: 'a@b.cn',
        phone: '+86 138-0013-8000',
        first_name: '三',
        last_name: '张',
        device_id: 'd1',
        account_id: 'a1',
        media_url: 'https://example.org/p.jpg',
        attribute: { size: 'big', kinds: ['a', 'b'] },
      }),
    ).toBe('ok');
  });

  it.each([
    [{ service_code: 'xyz' }, 'service_code: unknown service "xyz" (GET services.json lists them)'],
    [{ service_code: 'key_person' }, 'service_code: unknown service "key_person" (GET services.json lists them)'],
    [{ service_code: undefined }, 'service_code: must be a string'],
    [{ service_code: ['noise', 'noise'] }, 'service_code: must be a string'],
    [{ description: '  ' }, 'description: must not be empty'],
    [{ description: 'a\u0000b' }, 'description: must not contain U+0000'],
    [{ description: 'x'.repeat(2001) }, 'description: must be at most 2000 characters'],
    [{ lat: 'north' }, 'lat: must be a decimal number'],
    [{ lat: '91' }, 'lat: must be -90 to 90'],
    [{ long: '-180.5' }, 'long: must be -180 to 180'],
    [{ lat: undefined }, 'lat: must be sent with long'],
    [{ lat: undefined, long: undefined }, 'lat: a location is needed: send lat and long (WGS84)'],
    [
      { lat: undefined, long: undefined, address_string: '丰和中大道 1 号' },
      'lat: we cannot locate an address_string: send lat and long (WGS84) with it',
    ],
    [{ address_id: '123' }, 'address_id: not supported: send lat and long (WGS84)'],
    [{ email: 'nobody' }, 'email: must be an e-mail address'],
    [{ phone: 'call me' }, 'phone: must be a phone number (digits, spaces, + - ( ))'],
    [{ media_url: 'javascript:alert(1)' }, 'media_url: must be an http(s) URL'],
    [{ first_name: '\ud800' }, 'first_name: must not contain a lone surrogate (U+D800)'],
    [{ attribute: { size: 7 } }, 'attribute[size]: must be text'],
    [{ colour: 'red' }, 'colour: unknown field'],
    [{ 'a\u0000': 'x' }, '"a\\u0000": unknown field'],
  ])('%j → %s', (change, want) => {
    expect(line(open311RequestInput, { ...good, ...change })).toBe(want);
  });

  it('refuses a body that is no object', () => {
    expect(line(open311RequestInput, undefined)).toBe('body: must be a form or a JSON object');
  });

  it('gathers a form’s attribute[…] keys', () => {
    expect(gatherAttributes({ a: '1', 'attribute[x]': 'y', 'attribute[z]': ['1', '2'] })).toEqual({
      a: '1',
      attribute: { x: 'y', z: ['1', '2'] },
    });
    expect(gatherAttributes({ a: '1' })).toEqual({ a: '1' });
    expect(gatherAttributes('x')).toBe('x');
  });

  it('writes names family name first', () => {
    expect(reporterName('三', '张')).toBe('张三');
    expect(reporterName('Ann', 'Lee')).toBe('Lee Ann');
    expect(reporterName(undefined, undefined)).toBeUndefined();
    expect(reporterName('', '王')).toBe('王');
  });

  it('never throws, whatever the fields hold', { timeout: 60_000 }, () => {
    const field = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string()),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...Object.keys(open311RequestInput.shape), 'attribute[x]', 'other'), field),
        (body) => {
          const r = open311RequestInput.safeParse(gatherAttributes({ ...good, ...body }));
          if (!r.success) expect(issueLine(r.error)).toMatch(/^[\w"\\[\]]+.*: /);
        },
      ),
    );
  });
});

describe('GET requests query', () => {
  it.each([
    [{}, 'ok'],
    [{ service_request_id: 'E20260105-000042,E20260105-000043' }, 'ok'],
    [{ service_code: 'noise,theft', status: 'open', start_date: '2026-01-01T00:00:00+08:00' }, 'ok'],
    [{ end_date: '2026-01-01T00:00:00Z', status: 'open,closed' }, 'ok'],
    [{ start_date: '2026-01-01' }, 'start_date: must be a W3C date-time with an offset (2026-01-05T08:00:00+08:00)'],
    [
      { start_date: '2026-01-01T00:00:00' },
      'start_date: must be a W3C date-time with an offset (2026-01-05T08:00:00+08:00)',
    ],
    [{ status: 'pending' }, 'status: must be open, closed or open,closed'],
    [{ service_code: 'noise,xyz' }, 'service_code: unknown service "xyz" (GET services.json lists them)'],
    [{ service_request_id: 'E1,<x>' }, 'service_request_id: "<x>" is not request id'],
    [{ service_request_id: Array(101).fill('E1').join(',') }, 'service_request_id: at most 100 request ids'],
    [{ status: ['open', 'closed'] }, 'status: must be a string'],
    [{ page: '2' }, 'page: unknown field'],
  ])('%j → %s', (q, want) => {
    expect(line(open311RequestsQuery, q)).toBe(want);
  });
});

describe('XML', () => {
  it('writes the spec’s elements, escaped', () => {
    expect(toXml({ errors: { error: [{ code: 400, description: 'a <b> & "c"' }] } })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>a &lt;b&gt; &amp; &quot;c&quot;</description></error></errors>',
    );
    expect(toXml({ service_requests: { request: [{ a: null, lat: 28.5 }] } })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><service_requests><request><a/><lat>28.5</lat></request></service_requests>',
    );
  });
  it('stays well-formed whatever the text holds', () => {
    expect(xmlSafe({ a: ['x\u0001y\uffff', 1] })).toEqual({ a: ['x\ufffdy\ufffd', 1] });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const xml = toXml({ service_requests: { request: [{ description: a, address: b }] } });
        expect(XMLValidator.validate(xml)).toBe(true);
      }),
    );
  });
});
