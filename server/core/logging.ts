/**
 * The hub's logger: pino, with no secret in any line at any level, and readable on a terminal.
 *
 * Three layers, because a secret can reach a log line three ways:
 * - serializers decide what a request, a response and an error look like: a request is its method,
 *   its URL with secret-looking query values replaced, its id and address, never its headers; an
 *   error is its type, message, code and stack, with a failed query's parameters cut (Drizzle puts
 *   `params: <values>` in the message: a device key's hash, a password hash, a session token's hash);
 * - pino's `redact` blanks the headers that carry credentials (authorization, cookie, set-cookie,
 *   the CSRF token) should anyone log a request's or a response's headers whole, and a field scrub
 *   blanks any field named like a secret (password, token, secret, key, otp…) a few levels deep,
 *   whatever object a service logs;
 * - a hook scrubs the message text itself (a URL with a password, a bearer token, a cookie, a key).
 * `npm start` on a terminal prints lines through pino-pretty; anything else (a pipe, a file, a log
 * collector) gets one JSON object a line. LOG_FORMAT=json|pretty overrides the guess.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { Config } from './config';

export const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they sit in a logged object. */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'password_hash',
  'demoPassword',
  'secret',
  'secretHash',
  'secret_hash',
  'token',
  'tokenHash',
  'token_hash',
  'csrfToken',
  'csrf_token',
  'sessionToken',
  'totp',
  'totpSecret',
  'totp_secret',
  'totpCode',
  'otp',
  'key',
  'apiKey',
  'api_key',
  'ingestApiKey',
  'metricsToken',
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'x-api-key',
];
/** Where the well-known secrets sit when a request or response is logged whole: blanked by pino's `redact`. */
const REQUEST_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-csrf-token', 'x-api-key'];
const REDACT_PATHS = [
  ...REQUEST_HEADERS.map((h) => `req.headers["${h}"]`),
  'res.headers["set-cookie"]',
  ...[...REQUEST_HEADERS, 'set-cookie'].map((h) => `headers["${h}"]`),
];
/** How deep the field scrub looks into a logged object (body.user.credentials.password is 3). */
const SCRUB_DEPTH = 4;
const SECRET_NAMES = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
/** Keys pino hands to a serializer (which already shows only what is safe). */
const SERIALIZED = new Set(['req', 'res', 'err']);

function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Any field named like a secret, a few levels deep, blanked; strings that look like they hold one
 * scrubbed. Copies only what it changes. Wildcard `redact` paths do the same at 10 to 40 µs a line
 * (every level multiplies the paths); this walk costs about a microsecond on a request line.
 */
function scrubFields<T>(value: T, depth: number): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (depth >= SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const next = scrubFields(v, depth + 1);
      if (next !== v) (out ??= value.slice())[i] = next;
    }
    return (out ?? value) as T;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined || v === null || (depth === 0 && SERIALIZED.has(k))) continue;
    const next = SECRET_NAMES.has(k.toLowerCase()) ? REDACTED : scrubFields(v, depth + 1);
    if (next !== v) (out ??= { ...value })[k] = next;
  }
  return (out ?? value) as T;
}

/** Query parameters whose values are credentials or capabilities. */
const SECRET_QUERY =
  /^(?:.*(?:token|secret|password|passwd|pass|key|session|auth|csrf|otp|totp|signature|sig)|code|sid)$/i;

/** A server's URL (broker, Redis, database) as it may be logged: its password masked. */
export function serverUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * A URL as it may be logged: query values that look like credentials replaced, and the path
 * segment of a citizen's tracking code (it is the capability to read and rate that report).
 */
export function safeUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  path = path.replace(/(\/public\/reports\/)[^/?#]+/, `$1${REDACTED}`);
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the raw name
      }
      return SECRET_QUERY.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** A cheap first test: most text holds none of what scrubText looks for. */
const MAY_HOLD_SECRET = /params: |:\/\/|bearer|basic|cd_session|cd[kw]_|cik_|invalid input|out of range|invalid value/i;

/**
 * Secrets that can sit in free text (an error message, a stack, a log message): a failed query's
 * parameters, a URL's password, a bearer token, the session cookie, the hub's secret prefixes.
 */
export function scrubText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return (
    text
      .replace(/(\bparams: )[\s\S]*$/, `$1${REDACTED}`)
      // PostgreSQL quotes the value it refused: invalid input syntax for type integer: "<a key's hash>".
      .replace(
        /((?:invalid input (?:syntax|value) for [^:\n]*|out of range[^:\n]*|invalid value for [^:\n]*): )"[^\n]*/gi,
        `$1"${REDACTED}"`,
      )
      // And before the words when the digits overflow: value "<a hash that starts with 10 digits>" is out of range for type integer.
      .replace(/\bvalue "[^\n]*" is out of range/gi, `value "${REDACTED}" is out of range`)
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]*@/gi, `$1${REDACTED}@`)
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
      .replace(/\b(cd_session=)[^;\s,"']+/gi, `$1${REDACTED}`)
      .replace(/\b(cd[kw]_|cik_)[A-Za-z0-9_-]{6,}/g, `$1${REDACTED}`)
  );
}

interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
}

const MAX_CAUSE_DEPTH = 5;

/**
 * An error as it may be logged: {type, message, code, stack}, its cause (and an AggregateError's
 * errors) the same way. Nothing else of the object: a pg error's `detail` quotes the row's values
 * ("Key (secret_hash)=(…) already exists"), Drizzle's `params` are the query's values.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (typeof err === 'string') return scrubText(err);
  // pino-std-serializers' form (a wrapped serializer's input) keeps the error itself in `raw`.
  const raw = typeof err === 'object' && err !== null ? (err as { raw?: unknown }).raw : undefined;
  if (raw instanceof Error) err = raw;
  if (!(err instanceof Error) && !(typeof err === 'object' && err !== null && 'message' in err)) return err;
  const e = err as Error & { code?: unknown; errors?: unknown };
  const rawMessage = typeof e.message === 'string' ? e.message : String(e.message);
  const message = scrubText(rawMessage);
  const type = e.constructor?.name && e.constructor.name !== 'Object' ? e.constructor.name : (e.name ?? 'Error');
  const out: SerializedError = { type, message };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.stack === 'string') out.stack = safeStack(e.stack, rawMessage, message);
  if (depth < MAX_CAUSE_DEPTH) {
    if (e.cause !== undefined && e.cause !== null)
      out.cause = serializeError(e.cause, depth + 1) as SerializedError | string;
    if (Array.isArray(e.errors))
      out.errors = e.errors.slice(0, 10).map((x) => serializeError(x, depth + 1) as SerializedError | string);
  }
  return out;
}

/**
 * A stack with the scrubbed message in place of the raw one. The raw message is replaced as a
 * whole, not by pattern, so a value that mimics a stack frame cannot end the scrub early; a stack
 * that does not hold its message keeps only its frames.
 */
function safeStack(stack: string, rawMessage: string, message: string): string {
  const at = rawMessage ? stack.indexOf(rawMessage) : -1;
  if (at >= 0) return scrubText(stack.slice(0, at)) + message + scrubText(stack.slice(at + rawMessage.length));
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return [message, ...frames.map(scrubText)].join('\n');
}

type LoggedRequest = Partial<IncomingMessage> & {
  originalUrl?: string;
  id?: unknown;
  remoteAddress?: string;
  raw?: IncomingMessage;
};

/** A request: method, URL (secrets replaced), id, client address; never headers, body or cookies. */
export function serializeRequest(req: LoggedRequest): {
  method?: string;
  url: string;
  id?: unknown;
  remoteAddress?: string;
} {
  // pino-http hands over pino-std-serializers' form, which keeps the original in `raw`.
  const raw = (req.raw ?? req) as LoggedRequest;
  return {
    method: raw.method ?? req.method,
    url: safeUrl(raw.originalUrl ?? raw.url ?? req.url),
    id: req.id ?? raw.id,
    remoteAddress: req.remoteAddress ?? raw.socket?.remoteAddress,
  };
}

/** A response: its status, nothing else (set-cookie carries a session token). */
export function serializeResponse(res: Partial<ServerResponse> & { raw?: ServerResponse }): { statusCode?: number } {
  return { statusCode: res.statusCode ?? res.raw?.statusCode };
}

export const serializers = { req: serializeRequest, res: serializeResponse, err: serializeError };

export type LogFormat = 'json' | 'pretty';

export interface CreateLoggerOptions {
  /** Where lines go; default stdout (tests pass a memory stream). */
  stream?: DestinationStream;
  /** Whether the destination is a terminal; default process.stdout.isTTY. */
  tty?: boolean;
}

/** pino options shared by every logger of the hub (exported for the redaction test). */
export function loggerOptions(level: Config['logLevel']): LoggerOptions {
  return {
    level,
    base: { svc: 'hub' },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers,
    formatters: {
      log: (obj) => scrubFields(obj, 0),
      bindings: (bindings) => scrubFields(bindings, 0),
    },
    hooks: {
      // The message text too: `startup failed: ${e.message}` must not carry what `err` hides.
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          const a: unknown = args[i];
          if (typeof a === 'string') (args as unknown[])[i] = scrubText(a);
        }
        return method.apply(this, args);
      },
    },
  };
}

/**
 * The hub's logger. Pretty lines when the output is a terminal (or LOG_FORMAT=pretty), one JSON
 * object a line otherwise (or LOG_FORMAT=json). pino-pretty runs in this thread: on a terminal a
 * person reads the lines, so their rate is a person's, and no worker thread is left to stop.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'> & { logFormat?: LogFormat | undefined },
  opts: CreateLoggerOptions = {},
): Logger {
  const tty = opts.tty ?? Boolean(process.stdout.isTTY);
  const format: LogFormat = config.logFormat ?? (tty ? 'pretty' : 'json');
  const options = loggerOptions(config.logLevel);
  if (format === 'pretty') {
    // Loaded only here: a hub logging JSON (every deployment) does not pay for it at start-up.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    const stream = pretty({
      destination: opts.stream ?? 1,
      colorize: tty && !opts.stream,
      translateTime: 'SYS:HH:MM:ss.l',
      // A request line says it all in its message ("GET /api/v1/x 200 12ms").
      ignore: 'pid,hostname,svc,req,res,responseTime,reqId',
      singleLine: true,
      sync: true,
    });
    return pino(options, stream);
  }
  return opts.stream ? pino(options, opts.stream) : pino(options);
}

/** Options of pino-http for the hub: one line per request, at a level by status, never headers. */
export function httpLogOptions(): {
  serializers: typeof serializers;
  wrapSerializers: boolean;
  customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => 'info' | 'warn' | 'error';
  customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) => string;
  customErrorMessage: (req: IncomingMessage, res: ServerResponse, err: Error, ms?: number) => string;
} {
  const line = (req: IncomingMessage, res: ServerResponse, ms?: number) =>
    `${req.method ?? '?'} ${safeUrl((req as LoggedRequest).originalUrl ?? req.url)} ${res.statusCode}${ms === undefined ? '' : ` ${ms}ms`}`;
  return {
    serializers,
    // Ours see the raw request, response and error (not pino-std-serializers' copies with headers).
    wrapSerializers: false,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res, ms) => line(req, res, ms),
    // pino-http passes the response time as a fourth argument (its typings stop at three).
    customErrorMessage: (req, res, _err, ms) => line(req, res, ms),
  };
}
