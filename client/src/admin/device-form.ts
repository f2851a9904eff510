/**
 * The device endpoint editor's form, pure (issue 18): an endpoint as the form edits it (every
 * kind's fields at once, so switching kind while creating loses nothing typed; the channel map as
 * rows), the body it makes, checked by the same shared `deviceEndpointBody` the hub parses, and
 * each problem put on the field or channel row it names, whether the schema found it here or the
 * hub answered 400 (`body.gb28181.channels.34020000001320000001: no camera "x"`).
 */
import { deviceEndpointBody, type DeviceEndpointBody, type DeviceEndpointView, type DeviceKind } from '@shared/devices';

/** One channel → camera row of the form (ISAPI, Dahua: a channel number; GB/T 28181: a channel id). */
export interface ChannelRow {
  channel: string;
  camera: string;
}

export interface DeviceDraft {
  kind: DeviceKind;
  name: string;
  scope: string;
  enabled: boolean;
  /** null: the hub's default (FOLD_SECONDS_DEFAULT). */
  foldSeconds: number | null;
  /** ISAPI: the IPv4 address it posts from, and its MAC (optional). */
  address: string;
  mac: string;
  /** Dahua: where the hub attaches, the account; the password is write-only (blank: keep / none). */
  url: string;
  username: string;
  password: string;
  /** Dahua, editing: the hub holds a password already. */
  hasPassword: boolean;
  /** GB/T 28181: the 20-digit device id and its bodies' charset. */
  deviceId: string;
  charset: 'gbk' | 'utf-8';
  channels: ChannelRow[];
}

/** The form's fields a problem can be shown on; `general` for what names none. */
export const DEVICE_FIELDS = [
  'kind',
  'name',
  'scope',
  'enabled',
  'foldSeconds',
  'address',
  'mac',
  'url',
  'username',
  'password',
  'deviceId',
  'charset',
  'channels',
] as const;
export type DeviceField = (typeof DEVICE_FIELDS)[number] | 'general';
/** A field, or one channel row by its index in the form (`row.2`). */
export type ProblemKey = DeviceField | `row.${number}`;

/**
 * What is wrong, as a key of the `admin.devices.invalid` texts: the field's own words, or for a
 * channel row whether its channel or its camera is at fault.
 */
export type Hint =
  | Exclude<DeviceField, 'channels' | 'general'>
  | 'channels'
  | 'channelNumber'
  | 'channelId'
  | 'camera'
  | 'cameraRefused'
  | 'duplicate'
  | 'general';
export type Problems = Partial<Record<ProblemKey, Hint>>;

/** The field that says which device an endpoint is (where a 409 clash shows). */
export const IDENTITY_FIELD: Record<DeviceKind, DeviceField> = {
  isapi: 'address',
  dahua: 'url',
  gb28181: 'deviceId',
};

export const rowKey = (i: number): `row.${number}` => `row.${i}`;

/** A channel map as rows, in channel order (numbers by value, ids as text). */
export function rowsOf(channels: Readonly<Record<string, string>> | undefined): ChannelRow[] {
  return Object.entries(channels ?? {})
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, camera]) => ({ channel, camera }));
}

/** The rows as a map: blank rows left out, each side trimmed (a repeated channel: the last row wins). */
export function recordOf(rows: readonly ChannelRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    const channel = r.channel.trim();
    const camera = r.camera.trim();
    if (channel || camera) out[channel] = camera;
  }
  return out;
}

/** The form's content for an endpoint, or for a new one (a GB/T 28181 device, enabled, in `scope`). */
export function draftOf(view: DeviceEndpointView | null, scope = ''): DeviceDraft {
  const blank: DeviceDraft = {
    kind: 'gb28181',
    name: '',
    scope,
    enabled: true,
    foldSeconds: null,
    address: '',
    mac: '',
    url: '',
    username: '',
    password: '',
    hasPassword: false,
    deviceId: '',
    charset: 'gbk',
    channels: [],
  };
  if (!view) return blank;
  const d: DeviceDraft = {
    ...blank,
    kind: view.kind,
    name: view.name,
    scope: view.scope,
    enabled: view.enabled,
    foldSeconds: view.foldSeconds,
  };
  if (view.isapi) Object.assign(d, { address: view.isapi.address, mac: view.isapi.mac ?? '' });
  if (view.dahua)
    Object.assign(d, { url: view.dahua.url, username: view.dahua.username, hasPassword: view.dahua.hasPassword });
  if (view.gb28181) Object.assign(d, { deviceId: view.gb28181.deviceId, charset: view.gb28181.charset });
  d.channels = rowsOf((view.isapi ?? view.dahua ?? view.gb28181)?.channels);
  return d;
}

/** The body the form makes, unchecked: what is sent, and what deviceEndpointBody judges. */
export function bodyOf(d: DeviceDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: d.kind,
    name: d.name.trim(),
    scope: d.scope.trim(),
    enabled: d.enabled,
  };
  if (d.foldSeconds !== null) body.foldSeconds = d.foldSeconds;
  const channels = recordOf(d.channels);
  switch (d.kind) {
    case 'isapi':
      body.isapi = { address: d.address.trim(), ...(d.mac.trim() ? { mac: d.mac.trim() } : {}), channels };
      break;
    case 'dahua':
      body.dahua = { url: d.url.trim(), username: d.username.trim(), channels };
      // Blank: a new endpoint has none, an edited one keeps the one the hub holds.
      if (d.password !== '') body.password = d.password;
      break;
    case 'gb28181':
      body.gb28181 = { deviceId: d.deviceId.trim(), charset: d.charset, channels };
      break;
  }
  return body;
}

/** The row a channel names (the first whose trimmed channel it is), or -1. */
function rowOf(d: DeviceDraft, channel: string): number {
  return d.channels.findIndex((r) => r.channel.trim() === channel);
}

/**
 * Where a problem's path points, under the body (['gb28181', 'channels', '3402…'] → the row of
 * that channel; ['isapi', 'address'] → address; ['password'] → password; else general).
 */
export function placeOf(d: DeviceDraft, path: readonly PropertyKey[]): ProblemKey {
  const [head, second, third] = path.map(String);
  if (head === d.kind && second !== undefined) {
    if (second === 'channels') {
      if (third === undefined) return 'channels';
      const i = rowOf(d, third);
      return i >= 0 ? rowKey(i) : 'channels';
    }
    return (DEVICE_FIELDS as readonly string[]).includes(second) ? (second as DeviceField) : 'general';
  }
  return head !== undefined && head !== d.kind && (DEVICE_FIELDS as readonly string[]).includes(head)
    ? (head as DeviceField)
    : 'general';
}

/** The hint for a problem at `place`: a row's channel (a bad key) or its camera (a bad value). */
function hintOf(d: DeviceDraft, place: ProblemKey, badKey: boolean): Hint {
  if (place.startsWith('row.')) return badKey ? (d.kind === 'gb28181' ? 'channelId' : 'channelNumber') : 'camera';
  return place as Exclude<DeviceField, never>;
}

/** The body, or each field's and row's first problem. */
export function checkDraft(d: DeviceDraft): { ok: true; body: DeviceEndpointBody } | { ok: false; problems: Problems } {
  const problems: Problems = {};
  // What the map would hide: a channel on two rows, a row with one side blank.
  const seen = new Map<string, number>();
  d.channels.forEach((r, i) => {
    const channel = r.channel.trim();
    const camera = r.camera.trim();
    if (!channel && !camera) return;
    if (!channel) problems[rowKey(i)] = d.kind === 'gb28181' ? 'channelId' : 'channelNumber';
    else if (seen.has(channel)) problems[rowKey(i)] = 'duplicate';
    else if (!camera) problems[rowKey(i)] = 'camera';
    seen.set(channel, i);
  });
  const r = deviceEndpointBody.safeParse(bodyOf(d));
  if (!r.success)
    for (const i of r.error.issues) {
      const place = placeOf(d, i.path);
      problems[place] ??= hintOf(d, place, i.code === 'invalid_key');
    }
  return r.success && Object.keys(problems).length === 0 ? { ok: true, body: r.data } : { ok: false, problems };
}

/** 'body.gb28181.channels.3402…' → the path under the body; null for any other root. */
function pathOf(path: string): string[] | null {
  const parts = path.split('.');
  return parts[0] === 'body' ? parts.slice(1) : null;
}

/**
 * The fields a hub's 400 names, with its words: from its details' issues (`{ path, message }`) when
 * it lists them, else from its message (`body.isapi.channels.3: no camera "x"`). What names no
 * field of the form is `general`.
 */
export function serverProblems(
  d: DeviceDraft,
  message: string,
  details?: unknown,
): Partial<Record<ProblemKey, string>> {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  const listed = Array.isArray(issues)
    ? issues.filter(
        (i): i is { path: string; message: string } =>
          typeof (i as { path?: unknown }).path === 'string' &&
          typeof (i as { message?: unknown }).message === 'string',
      )
    : [];
  const out: Partial<Record<ProblemKey, string>> = {};
  const put = (path: string, text: string, whole: string): void => {
    const under = pathOf(path);
    const place = under ? placeOf(d, under) : 'general';
    out[place] ??= place === 'general' ? whole : text;
  };
  if (listed.length) for (const i of listed) put(i.path, i.message, `${i.path}: ${i.message}`);
  else {
    const m = /^([^:\s]+): (.*)$/s.exec(message);
    if (m) put(m[1]!, m[2]!, message);
    else out.general = message;
  }
  return out;
}

/** The hint shown with the hub's words on a field or row (a row's camera the hub did not take). */
export function serverHint(place: ProblemKey): Hint {
  return place.startsWith('row.') ? 'cameraRefused' : (place as Hint);
}

/** How long ago, in the largest whole unit (for Intl.RelativeTimeFormat); `now` and `at` in ms. */
export function agoOf(at: number, now: number): { value: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return { value: s, unit: 'second' };
  if (s < 3600) return { value: Math.floor(s / 60), unit: 'minute' };
  if (s < 86_400) return { value: Math.floor(s / 3600), unit: 'hour' };
  return { value: Math.floor(s / 86_400), unit: 'day' };
}
