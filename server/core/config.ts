/**
 * Settings come from the environment, parsed once with zod. A bad value is a startup error that
 * names the variable (main.ts prints it on one line and exits with status 2).
 * Every setting is listed in README.md; keep the two in step.
 */
import { z } from 'zod';
import { demoScale } from '@shared/world';
import { MAP_CRS, type MapCrs } from '@shared/map';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

const bool = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DEMO_SCALE: demoScale.default('full'),
  DEMO_SEED: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0)
    .max(2 ** 31 - 1)
    .default(20260101),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  STATIC_DIR: z.string().min(1).default('./dist'),
  MAP_STYLE_URL: z
    .string()
    .refine(
      (v) => (/^https?:\/\/\S+$/.test(v) && URL.canParse(v)) || /^\/(?!\/)\S*$/.test(v),
      'must be an http:// or https:// URL, or a path starting with /',
    )
    .optional(),
  MAP_CRS: z.enum(MAP_CRS, { error: `must be one of ${MAP_CRS.join(', ')}` }).default('wgs84'),
  NODE_ENV: z.string().optional(),
  MQTT_URL: z
    .string()
    .refine(
      (v) => /^(mqtts?|wss?|tcp|tls):\/\/\S+$/.test(v) && URL.canParse(v),
      'must be an mqtt://, mqtts://, ws:// or wss:// URL',
    )
    .optional(),
  MQTT_CLIENT_ID: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/, 'must be letters, digits, dot, dash or underscore')
    .optional(),
  MQTT_SHARE_GROUP: z
    .string()
    .max(64)
    .regex(/^(?:[\w.-]+|off)$/, 'must be letters, digits, dot, dash or underscore, or off')
    .default('city-command'),
  MQTT_CONNECTIONS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(16)
    .optional(),
  SIP_PORT: z
    .union([
      z.literal('off'),
      z.coerce.number({ error: 'must be a port number or off' }).int('must be a whole number').min(1).max(65535),
    ])
    .default(5060),
  DAHUA_ATTACH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  DEVICE_SECRET_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\/\S+$/.test(v) && URL.canParse(v), 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_PREFIX: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.:-]+$/, 'must be letters, digits, dot, colon, dash or underscore')
    .default('city-command'),
  DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
  REQUIRE_ADMIN_TOTP: bool.optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(24 * 7)
    .default(12),
  TRUST_PROXY: z.string().optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      'must be a comma-separated list of origins like https://wall.example.org',
    )
    .optional(),
  INGEST_API_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(100)
    .regex(/^\S+$/, 'must not contain spaces')
    .optional(),
  SIMULATOR: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  SIMULATOR_STAFF: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  SIMULATOR_STAFF_PACE: z.coerce
    .number({ error: 'must be a number' })
    .min(0.001, 'must be 0.001-100')
    .max(100, 'must be 0.001-100')
    .default(1),
  DEMO_HISTORY_MONTHS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of months')
    .min(0, 'must be 0 (none) to 24')
    .max(24, 'must be 0 (none) to 24')
    .default(12),
  ABSENCE_SWEEP_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(86_400_000, 'must be at most 86400000 (a day)')
    .default(60_000),
  COVERAGE_SWEEP_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(3_600_000, 'must be at most 3600000 (an hour)')
    .default(5_000),
  SLA_SWEEP_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(3_600_000, 'must be at most 3600000 (an hour)')
    .default(5_000),
  ALARM_EXPIRY_SWEEP_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(3_600_000, 'must be at most 3600000 (an hour)')
    .default(60_000),
  AUTO_INCIDENT_PRIORITY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) to 4')
    .max(4, 'must be 0 (off) to 4')
    .default(1),
  SIMULATOR_RATE: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must be 0-10000')
    .max(10_000, 'must be 0-10000')
    .default(5),
  RATE_LIMIT_USER_PER_MIN: z.coerce.number({ error: 'must be a number' }).int().min(1).default(600),
  RATE_LIMIT_ADDRESS_PER_MIN: z.coerce.number({ error: 'must be a number' }).int().min(1).default(1200),
  RATE_LIMIT_LOGIN_PER_15MIN: z.coerce.number({ error: 'must be a number' }).int().min(1).default(100),
  RATE_LIMIT_CITIZEN_PER_HOUR: z.coerce.number({ error: 'must be a number' }).int().min(1).default(30),
  RATE_LIMIT_DEVICE_PER_MIN: z.coerce.number({ error: 'must be a number' }).int().min(1).default(12_000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL server; when absent the embedded PGlite under dataDir is used. */
  databaseUrl: string | undefined;
  demoScale: z.infer<typeof demoScale>;
  demoSeed: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** LOG_FORMAT: 'pretty' (readable lines) or 'json' (one object a line); absent: pretty on a terminal, else json. */
  logFormat?: 'json' | 'pretty' | undefined;
  /** METRICS_TOKEN: `Authorization: Bearer <it>` reads GET /metrics (a scraper); absent: admins' sessions only. */
  metricsToken?: string | undefined;
  /** The built client (vite build output). */
  staticDir: string;
  /**
   * A MapLibre style URL for the basemap; when absent the built-in offline style is used.
   * (Optional here, and mapCrs too, so Config literals written before they existed still hold.)
   */
  mapStyleUrl?: string | undefined;
  /** Coordinate system of the tiles of mapStyleUrl (the built-in style is always WGS84); default wgs84. */
  mapCrs?: MapCrs;
  /** An MQTT broker to take events from (topics events/<source>); unset: no MQTT. */
  mqttUrl?: string | undefined;
  /** The hub's MQTT client id (its persistent session on the broker); default city-command-hub-<host>. */
  mqttClientId?: string | undefined;
  /**
   * Hubs sharing the event topics take each message once (MQTT shared subscription
   * `$share/<group>/events/+`): MQTT_SHARE_GROUP, default 'city-command'; 'off' (and absent from a
   * Config literal): a plain subscription, every hub gets every message.
   */
  mqttShareGroup?: string | undefined;
  /**
   * MQTT connections of this hub in the share group (MQTT_CONNECTIONS, 1-16; default 4 with a share
   * group, else 1): the broker spreads messages over them, and their messages meet in one group
   * commit (one connection stores one message per transaction).
   */
  mqttConnections?: number | undefined;
  /** Several hubs: a Redis for the Socket.IO Streams adapter (REDIS_URL); unset: one hub alone. */
  redisUrl?: string | undefined;
  /** Names of this deployment's Redis stream and channels (REDIS_PREFIX, default city-command): two cities may share a Redis. */
  redisPrefix?: string | undefined;
  /**
   * Devices (issue 18): the GB/T 28181 SIP port, UDP and TCP (SIP_PORT, default 5060; 'off', and
   * absent from a Config literal: no SIP endpoint); whether this hub attaches to the registered Dahua
   * devices (DAHUA_ATTACH, default on; with several hubs, turn it on for one or two: each attached
   * hub stores the same events once, by their ids); the key that seals Dahua passwords in the
   * database (DEVICE_SECRET_KEY, AES-256-GCM; unset: a fixed key, so a password is never stored or
   * dumped as plain text but is not secret from someone with the hub's code, and the hub warns).
   */
  sipPort?: number | undefined;
  dahuaAttach?: boolean | undefined;
  deviceSecretKey?: string | undefined;
  /** Alarm batching tick of the realtime gateway, ms (default 50); 0: one emit per alarm (benchmark baseline only). */
  realtimeTickMs?: number;
  /**
   * Months of history the demo city is seeded with on a fresh database (issue 16):
   * DEMO_HISTORY_MONTHS, default 12; 0 (and absent from a Config literal: tests): none.
   */
  demoHistoryMonths?: number;
  /**
   * How often the absence rules are checked, ms: ABSENCE_SWEEP_MS, default 60,000; 0: never.
   * Absent from a Config literal (tests, the bench): never; tests call AbsenceService.sweep().
   */
  absenceSweepMs?: number;
  /**
   * How often the coverage map takes the units' changes and opens or closes gap spells, ms:
   * COVERAGE_SWEEP_MS, default 5,000; 0 (and absent from a Config literal: tests call CoverageService.sweep()): never.
   */
  coverageSweepMs?: number;
  /** How often SLA deadlines are checked, ms: SLA_SWEEP_MS, default 5,000; 0 (and absent from a Config literal): never. */
  slaSweepMs?: number;
  /** How often unhandled alarms past their rule's expiry are closed, ms: ALARM_EXPIRY_SWEEP_MS, default 60,000; 0 (and absent from a Config literal): never. */
  alarmExpirySweepMs?: number;
  /** Alarms of this priority or more urgent become incidents at once: AUTO_INCIDENT_PRIORITY, default 1; 0: none. Absent: 1. */
  autoIncidentPriority?: number;
  /**
   * The demo city's live event simulator: on by default except in production (server/simulator).
   * `staff`: simulated dispatchers, units, grid workers and citizens working a share of the
   * incidents through the public API (SIMULATOR_STAFF, default: as SIMULATOR; absent: off) at
   * `pace` × a person's pace (SIMULATOR_STAFF_PACE, default 1; 0.01 is a hundred times faster).
   */
  simulator?: { enabled: boolean; ratePerSec: number; staff?: { enabled: boolean; pace: number } };
  /** Identity and hardening (issue 4); every field has a default (see authSettings). */
  auth?: Partial<AuthSettings>;
}

export interface AuthSettings {
  /** NODE_ENV=production: demo accounts refused, admins need a second factor, cookies Secure behind HTTPS. */
  production: boolean;
  /** Password of the demo accounts; when absent one is generated at first start and printed once. */
  demoPassword: string | undefined;
  requireAdminTotp: boolean;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Express 'trust proxy' (for the client address behind a reverse proxy), e.g. 'loopback' or 1. */
  trustProxy: string | number | boolean;
  /** Origins besides the hub's own that may open sockets and send state-changing requests. */
  allowedOrigins: string[];
  rateLimits: {
    userPerMin: number;
    addressPerMin: number;
    loginPer15Min: number;
    citizenPerHour?: number;
    /** Per device address on the ISAPI path (issue 18): an NVR resends each active channel once a second. */
    devicePerMin?: number;
    /** Per address on Open311 writes: an agency's system relays many citizens. */
    integrationPerMin?: number;
  };
  /** A fixed device key for the demo city's simulator and scripts (ignored in production). */
  ingestApiKey: string | undefined;
}

/** The identity settings with defaults filled in. */
export function authSettings(config: Config): AuthSettings {
  const a = config.auth ?? {};
  const production = a.production ?? false;
  return {
    production,
    demoPassword: a.demoPassword,
    requireAdminTotp: a.requireAdminTotp ?? production,
    sessionIdleMs: a.sessionIdleMs ?? 30 * 60_000,
    sessionMaxMs: a.sessionMaxMs ?? 12 * 3_600_000,
    trustProxy: a.trustProxy ?? false,
    allowedOrigins: a.allowedOrigins ?? [],
    rateLimits: {
      userPerMin: 600,
      addressPerMin: 1200,
      loginPer15Min: 100,
      citizenPerHour: 30,
      devicePerMin: 12_000,
      ...a.rateLimits,
    },
    ingestApiKey: production ? undefined : a.ingestApiKey,
  };
}

/** Settings that may carry credentials (passwords, tile keys): never echoed in an error. */
const SECRET_SETTINGS = new Set([
  'DATABASE_URL',
  'MAP_STYLE_URL',
  'DEMO_PASSWORD',
  'INGEST_API_KEY',
  'MQTT_URL',
  'METRICS_TOKEN',
  'REDIS_URL',
  'DEVICE_SECRET_KEY',
]);

export class ConfigError extends Error {}

/** Parse settings; throws ConfigError with a one-line message naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset, as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = cleaned[name];
    const shown = SECRET_SETTINGS.has(name) || got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(`invalid setting ${name}: ${issue?.message ?? 'invalid'}${shown}`);
  }
  const e = parsed.data;
  if (e.MQTT_SHARE_GROUP === 'off' && (e.MQTT_CONNECTIONS ?? 1) > 1) {
    throw new ConfigError(
      `invalid setting MQTT_CONNECTIONS: more than 1 needs a shared subscription (MQTT_SHARE_GROUP is off: each connection would take every message) (got ${JSON.stringify(cleaned.MQTT_CONNECTIONS)})`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    demoScale: e.DEMO_SCALE,
    demoSeed: e.DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metricsToken: e.METRICS_TOKEN,
    staticDir: e.STATIC_DIR,
    mapStyleUrl: e.MAP_STYLE_URL,
    mapCrs: e.MAP_CRS,
    mqttUrl: e.MQTT_URL,
    mqttClientId: e.MQTT_CLIENT_ID,
    mqttShareGroup: e.MQTT_SHARE_GROUP === 'off' ? undefined : e.MQTT_SHARE_GROUP,
    mqttConnections: e.MQTT_CONNECTIONS ?? (e.MQTT_SHARE_GROUP === 'off' ? 1 : 4),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    sipPort: e.SIP_PORT === 'off' ? undefined : e.SIP_PORT,
    dahuaAttach: e.DAHUA_ATTACH === 'on',
    deviceSecretKey: e.DEVICE_SECRET_KEY,
    demoHistoryMonths: e.DEMO_HISTORY_MONTHS,
    absenceSweepMs: e.ABSENCE_SWEEP_MS,
    slaSweepMs: e.SLA_SWEEP_MS,
    coverageSweepMs: e.COVERAGE_SWEEP_MS,
    alarmExpirySweepMs: e.ALARM_EXPIRY_SWEEP_MS,
    autoIncidentPriority: e.AUTO_INCIDENT_PRIORITY,
    simulator: {
      enabled: (e.SIMULATOR ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
      ratePerSec: e.SIMULATOR_RATE,
      staff: {
        enabled: (e.SIMULATOR_STAFF ?? e.SIMULATOR ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
        pace: e.SIMULATOR_STAFF_PACE,
      },
    },
    auth: {
      production: e.NODE_ENV === 'production',
      demoPassword: e.DEMO_PASSWORD,
      ...(e.REQUIRE_ADMIN_TOTP === undefined ? {} : { requireAdminTotp: e.REQUIRE_ADMIN_TOTP }),
      sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      allowedOrigins: e.ALLOWED_ORIGINS ?? [],
      ingestApiKey: e.INGEST_API_KEY,
      rateLimits: {
        userPerMin: e.RATE_LIMIT_USER_PER_MIN,
        addressPerMin: e.RATE_LIMIT_ADDRESS_PER_MIN,
        loginPer15Min: e.RATE_LIMIT_LOGIN_PER_15MIN,
        citizenPerHour: e.RATE_LIMIT_CITIZEN_PER_HOUR,
        devicePerMin: e.RATE_LIMIT_DEVICE_PER_MIN,
      },
    },
  };
}

/** TRUST_PROXY: true/false, a hop count, or Express's names and addresses ('loopback', '10.0.0.0/8'). */
function parseTrustProxy(v: string | undefined): string | number | boolean {
  if (v === undefined || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
