/**
 * Device endpoints on the wire (issue 18): the cameras, NVRs and platforms that speak their vendors'
 * protocols to the hub, as an admin registers them, and what the hub has seen of each.
 *
 * - `isapi`: a Hikvision camera or NVR pushing alarms by ISAPI "HTTP listening" to
 *   `POST /api/v1/devices/isapi`. Known by the address it posts from (its `ipAddress`), and its MAC
 *   when one is given: both must match.
 * - `dahua`: a Dahua device the hub attaches to (`eventManager.cgi?action=attach`), with the
 *   account it signs in with (Digest). The password is write-only: never sent back.
 * - `gb28181`: a GB/T 28181 device or lower platform sending SIP MESSAGEs (alarms, keepalives) to
 *   the hub's SIP port. Known by its 20-digit device id (the From user); its body's charset is GBK
 *   unless set to UTF-8.
 *
 * `channels` maps a device's channel (ISAPI and Dahua: 1-based numbers; GB/T 28181: channel ids)
 * to one of our cameras. A GB/T 28181 channel id that is itself one of our camera ids (ours are
 * 20-digit GB/T 28181 ids) needs no entry.
 */
import { z } from 'zod';
import { regionCode } from './auth';
import { text } from './text';

export const DEVICE_KINDS = ['isapi', 'dahua', 'gb28181'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A GB/T 28181 id: 20 digits (centre 8, industry 2, type 3, network 1, serial 6). */
export const gbDeviceId = text(20).regex(/^\d{20}$/, 'must be a 20-digit GB/T 28181 id');
const cameraId = text(64, { min: 1 });
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** A channel → camera map: at most 256 channels. */
const channels = (key: z.ZodString) =>
  z
    .record(key, cameraId, { error: 'must map channels to camera ids' })
    .refine((m) => Object.keys(m).length <= 256, 'must map at most 256 channels');
const channelNumber = text(3).regex(/^[1-9]\d{0,2}$/, 'must be a channel number 1-999');

/** Seconds within which a repeat of an active event is folded into the one stored (cameras resend about once a second). */
export const FOLD_SECONDS_DEFAULT = 30;
const foldSeconds = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be 1-3600')
  .max(3600, 'must be 1-3600');

const common = {
  name: text(64, { trim: true, min: 1 }),
  scope: regionCode,
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  foldSeconds: foldSeconds.default(FOLD_SECONDS_DEFAULT),
};

export const isapiConfig = z.strictObject({
  /** The IPv4 address the device posts from (its ISAPI `ipAddress`). */
  address: text(15).regex(ipv4, 'must be an IPv4 address'),
  /** Its MAC, when the device sends one that must match. */
  mac: text(17)
    .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'must be a MAC address like 44:19:b6:01:02:03')
    .transform((m) => m.toLowerCase())
    .optional(),
  channels: channels(channelNumber),
});

export const dahuaConfig = z.strictObject({
  /** Where the hub attaches: http://host[:port] (no path). */
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(200, 'must be at most 200 characters')
    .refine((u) => /^https?:\/\/[^/?#@]+\/?$/.test(u), 'must be http://host[:port] with no path or credentials'),
  username: text(64, { min: 1 }),
  channels: channels(channelNumber),
});

export const gb28181Config = z.strictObject({
  deviceId: gbDeviceId,
  charset: z.enum(['gbk', 'utf-8'], { error: 'must be gbk or utf-8' }).default('gbk'),
  channels: channels(gbDeviceId).default({}),
});

export type IsapiConfig = z.infer<typeof isapiConfig>;
export type DahuaConfig = z.infer<typeof dahuaConfig>;
export type Gb28181Config = z.infer<typeof gb28181Config>;
export type DeviceConfig = IsapiConfig | DahuaConfig | Gb28181Config;

/** A new endpoint, or one replaced whole (PUT). A Dahua password left out of a PUT keeps the stored one. */
export const deviceEndpointBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('isapi'), ...common, isapi: isapiConfig }),
    z.strictObject({
      kind: z.literal('dahua'),
      ...common,
      dahua: dahuaConfig,
      password: text(128, { min: 1 }).optional(),
    }),
    z.strictObject({ kind: z.literal('gb28181'), ...common, gb28181: gb28181Config }),
  ],
  { error: 'must have kind isapi, dahua or gb28181' },
);
export type DeviceEndpointBody = z.infer<typeof deviceEndpointBody>;

/** What the hub has counted of an endpoint (all hubs together). */
export const deviceStats = z.object({
  lastSeenAt: z.string().nullable(),
  /** Events stored new. */
  eventsIn: z.number().int(),
  /** Repeats folded into an event already stored, ends of events, and codes the hub does not take. */
  folded: z.number().int(),
  /** Notices refused (an unmapped channel, a place outside the scope, a bad value). */
  rejected: z.number().int(),
  /** Messages set aside as dead letters (each refused notice's message, and messages that did not parse). */
  deadLettered: z.number().int(),
});
export type DeviceStats = z.infer<typeof deviceStats>;

/** A Dahua attachment as this hub holds it (other hubs hold none: one hub attaches). */
export const attachmentState = z.object({
  connected: z.boolean(),
  since: z.string().nullable(),
  lastError: z.string().nullable(),
  reconnects: z.number().int(),
});

export const deviceEndpointView = z.object({
  id: z.string(),
  kind: z.enum(DEVICE_KINDS),
  name: z.string(),
  scope: z.string(),
  scopeName: z.string(),
  enabled: z.boolean(),
  foldSeconds: z.number().int(),
  isapi: isapiConfig.optional(),
  dahua: dahuaConfig.extend({ hasPassword: z.boolean() }).optional(),
  gb28181: gb28181Config.optional(),
  stats: deviceStats,
  /** Dahua only, on the hub that answered. */
  attachment: attachmentState.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeviceEndpointView = z.infer<typeof deviceEndpointView>;

export const deviceEndpointList = z.object({
  items: z.array(deviceEndpointView),
  /** Messages from devices no endpoint matches, dead-lettered, since this hub started. */
  unknownMessages: z.number().int(),
  /** Where devices send: the ISAPI path and the SIP port (null when the SIP endpoint is off). */
  listening: z.object({ isapiPath: z.string(), sipPort: z.number().int().nullable() }),
});
export type DeviceEndpointList = z.infer<typeof deviceEndpointList>;
