/**
 * The device endpoint editor's form, pure (issue 18): an endpoint of each kind goes through the
 * form and back unchanged; channel rows become the channel map (blank rows dropped, trimmed) and
 * back in channel order; the shared schema's problems land on the field or the channel row they
 * name, with a hint of what is wrong there; the hub's 400 lands on the field or row its issues or
 * its message name (`body.gb28181.channels.3402…: no camera "x"`), anything else on the form.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceEndpointView } from '@shared/devices';
import {
  agoOf,
  bodyOf,
  checkDraft,
  draftOf,
  recordOf,
  rowsOf,
  serverHint,
  serverProblems,
  type DeviceDraft,
} from '@client/admin/device-form';

const GB_DEVICE = '34020000001320000001';
const GB_CHANNEL = '34020000001310000001';
const GB_CHANNEL_2 = '34020000001310000002';

const stats = { lastSeenAt: null, eventsIn: 0, folded: 0, rejected: 0, deadLettered: 0 };
const view = (over: Partial<DeviceEndpointView>): DeviceEndpointView => ({
  id: 'dev-1',
  kind: 'gb28181',
  name: '东门平台',
  scope: '360102',
  scopeName: '东湖区',
  enabled: true,
  foldSeconds: 30,
  stats,
  attachment: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});
const draft = (over: Partial<DeviceDraft> = {}): DeviceDraft => ({
  ...draftOf(null, '360100'),
  name: '一号设备',
  deviceId: GB_DEVICE,
  ...over,
});

describe('channel rows', () => {
  it('become the channel map: trimmed, blank rows left out', () => {
    expect(
      recordOf([
        { channel: ' 2 ', camera: ' cam-b ' },
        { channel: '', camera: '' },
        { channel: '1', camera: 'cam-a' },
      ]),
    ).toEqual({ 2: 'cam-b', 1: 'cam-a' });
  });

  it('come back from a map in channel order (numbers by value)', () => {
    expect(rowsOf({ 10: 'c10', 2: 'c2', 1: 'c1' }).map((r) => r.channel)).toEqual(['1', '2', '10']);
    expect(rowsOf(undefined)).toEqual([]);
  });
});

describe('the device form', () => {
  it.each<[string, Partial<DeviceEndpointView>]>([
    [
      'ISAPI with a MAC',
      { kind: 'isapi', isapi: { address: '10.0.0.7', mac: '44:19:b6:01:02:03', channels: { 1: 'c1', 2: 'c2' } } },
    ],
    ['ISAPI without a MAC', { kind: 'isapi', isapi: { address: '10.0.0.7', channels: {} } }],
    [
      'GB/T 28181',
      { kind: 'gb28181', gb28181: { deviceId: GB_DEVICE, charset: 'utf-8', channels: { [GB_CHANNEL]: 'c1' } } },
    ],
    [
      'Dahua',
      { kind: 'dahua', dahua: { url: 'http://10.0.0.8', username: 'admin', channels: { 1: 'c1' }, hasPassword: true } },
    ],
  ])('gives an endpoint (%s) back as it was, with no password for a Dahua one', (_what, over) => {
    const v = view(over);
    const checked = checkDraft(draftOf(v));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const { dahua, ...rest } = { isapi: v.isapi, dahua: v.dahua, gb28181: v.gb28181 };
    const config = dahua ? { dahua: { url: dahua.url, username: dahua.username, channels: dahua.channels } } : {};
    expect(checked.body).toEqual({
      kind: v.kind,
      name: v.name,
      scope: v.scope,
      enabled: true,
      foldSeconds: 30,
      ...Object.fromEntries(Object.entries(rest).filter(([, c]) => c)),
      ...config,
    });
    expect(checked.body).not.toHaveProperty('password');
  });

  it('makes a new GB/T 28181 device in the given scope, enabled, the hub choosing the fold window', () => {
    expect(draftOf(null, '360100')).toMatchObject({
      kind: 'gb28181',
      scope: '360100',
      enabled: true,
      foldSeconds: null,
    });
    expect(checkDraft(draft())).toEqual({
      ok: true,
      body: {
        kind: 'gb28181',
        name: '一号设备',
        scope: '360100',
        enabled: true,
        foldSeconds: 30,
        gb28181: { deviceId: GB_DEVICE, charset: 'gbk', channels: {} },
      },
    });
  });

  it("keeps every kind's fields, and sends only the chosen kind's", () => {
    const d = draft({ address: '10.0.0.7', url: 'http://10.0.0.8', username: 'u', password: 'p' });
    expect(bodyOf(d)).not.toHaveProperty('isapi');
    expect(bodyOf({ ...d, kind: 'isapi' })).toMatchObject({ isapi: { address: '10.0.0.7', channels: {} } });
    expect(bodyOf({ ...d, kind: 'isapi' })).not.toHaveProperty('password');
    expect(bodyOf({ ...d, kind: 'dahua' })).toMatchObject({
      dahua: { url: 'http://10.0.0.8', username: 'u' },
      password: 'p',
    });
  });

  it('sends a Dahua password only when one is typed (blank keeps the stored one)', () => {
    const d = draftOf(
      view({ kind: 'dahua', dahua: { url: 'http://10.0.0.8', username: 'admin', channels: {}, hasPassword: true } }),
    );
    expect(d.hasPassword).toBe(true);
    expect(bodyOf(d)).not.toHaveProperty('password');
    expect(bodyOf({ ...d, password: 'new-secret' })).toHaveProperty('password', 'new-secret');
  });

  it.each<[string, Partial<DeviceDraft>, Record<string, string>]>([
    ['a blank name', { name: ' ' }, { name: 'name' }],
    ['no scope', { scope: '' }, { scope: 'scope' }],
    ['a fold window of 0', { foldSeconds: 0 }, { foldSeconds: 'foldSeconds' }],
    ['a short device id', { deviceId: '123' }, { deviceId: 'deviceId' }],
    [
      'a bad ISAPI address and MAC',
      { kind: 'isapi', address: '10.0.0', mac: 'zz' },
      { address: 'address', mac: 'mac' },
    ],
    [
      'a Dahua URL with a path, no username',
      { kind: 'dahua', url: 'http://h/x' },
      { url: 'url', username: 'username' },
    ],
    ['a GB/T 28181 channel id of 3 digits', { channels: [{ channel: '123', camera: 'c' }] }, { 'row.0': 'channelId' }],
    [
      'an ISAPI channel 0',
      { kind: 'isapi', address: '10.0.0.7', channels: [{ channel: '0', camera: 'c' }] },
      { 'row.0': 'channelNumber' },
    ],
    [
      'a channel without its camera, and one repeated',
      {
        channels: [
          { channel: GB_CHANNEL, camera: 'c1' },
          { channel: GB_CHANNEL_2, camera: ' ' },
          { channel: GB_CHANNEL, camera: 'c3' },
        ],
      },
      { 'row.1': 'camera', 'row.2': 'duplicate' },
    ],
    ['a camera without its channel', { channels: [{ channel: '', camera: 'c1' }] }, { 'row.0': 'channelId' }],
  ])('puts %s on its field or row', (_what, over, want) => {
    const checked = checkDraft(draft(over));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems).toEqual(want);
  });

  it('leaves blank channel rows alone', () => {
    expect(checkDraft(draft({ channels: [{ channel: '', camera: '' }] })).ok).toBe(true);
  });
});

describe("the hub's 400", () => {
  const d = draft({
    channels: [
      { channel: GB_CHANNEL, camera: 'cam-ok' },
      { channel: GB_CHANNEL_2, camera: 'no-such' },
    ],
  });

  it('lands on the channel row its message names, in its words', () => {
    const found = serverProblems(d, `body.gb28181.channels.${GB_CHANNEL_2}: no camera "no-such"`);
    expect(found).toEqual({ 'row.1': 'no camera "no-such"' });
    expect(serverHint('row.1')).toBe('cameraRefused');
  });

  it('lands on the fields its issues name', () => {
    expect(
      serverProblems(d, 'body.scope: no region "360199"', {
        issues: [
          { path: 'body.scope', message: 'no region "360199"' },
          { path: 'body.gb28181.deviceId', message: 'must be a 20-digit GB/T 28181 id' },
        ],
      }),
    ).toEqual({ scope: 'no region "360199"', deviceId: 'must be a 20-digit GB/T 28181 id' });
  });

  it('puts a channel no row holds on the channel table, and anything else on the form', () => {
    expect(serverProblems(d, 'body.gb28181.channels.99999999999999999999: no camera "x"')).toEqual({
      channels: 'no camera "x"',
    });
    expect(serverProblems(d, 'body.isapi.address: must be an IPv4 address')).toEqual({
      general: 'body.isapi.address: must be an IPv4 address',
    });
    expect(serverProblems(d, 'something went wrong')).toEqual({ general: 'something went wrong' });
  });
});

describe('how long ago', () => {
  it.each<[number, ReturnType<typeof agoOf>]>([
    [0, { value: 0, unit: 'second' }],
    [59, { value: 59, unit: 'second' }],
    [60, { value: 1, unit: 'minute' }],
    [3599, { value: 59, unit: 'minute' }],
    [7200, { value: 2, unit: 'hour' }],
    [86_400 * 3 + 5, { value: 3, unit: 'day' }],
    [-5, { value: 0, unit: 'second' }],
  ])('%i s ago', (s, want) => {
    expect(agoOf(1_000_000_000 - s * 1000, 1_000_000_000)).toEqual(want);
  });
});
