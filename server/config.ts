/**
 * Settings come from the environment, parsed once with zod. A bad value is a startup error that
 * names the variable (main.ts prints it on one line and exits with status 2).
 * Every setting is listed in README.md; keep the two in step.
 */
import { z } from 'zod';
import { demoScale } from '../shared/world';
import { MAP_CRS, type MapCrs } from '../shared/map';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DEMO_SCALE: demoScale.default('full'),
  DEMO_SEED: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(2 ** 31 - 1).default(20260101),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  STATIC_DIR: z.string().min(1).default('./dist'),
  MAP_STYLE_URL: z
    .string()
    .refine((v) => (/^https?:\/\/\S+$/.test(v) && URL.canParse(v)) || /^\/(?!\/)\S*$/.test(v), 'must be an http:// or https:// URL, or a path starting with /')
    .optional(),
  MAP_CRS: z.enum(MAP_CRS, { error: `must be one of ${MAP_CRS.join(', ')}` }).default('wgs84'),
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
  /** The built client (vite build output). */
  staticDir: string;
  /**
   * A MapLibre style URL for the basemap; when absent the built-in offline style is used.
   * (Optional here, and mapCrs too, so Config literals written before they existed still hold.)
   */
  mapStyleUrl?: string | undefined;
  /** Coordinate system of the tiles of mapStyleUrl (the built-in style is always WGS84); default wgs84. */
  mapCrs?: MapCrs;
}

/** Settings that may carry credentials (passwords, tile keys): never echoed in an error. */
const SECRET_SETTINGS = new Set(['DATABASE_URL', 'MAP_STYLE_URL']);

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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    demoScale: e.DEMO_SCALE,
    demoSeed: e.DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    staticDir: e.STATIC_DIR,
    mapStyleUrl: e.MAP_STYLE_URL,
    mapCrs: e.MAP_CRS,
  };
}
