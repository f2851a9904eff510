/**
 * Open311 GeoReport v2 over HTTP (issue 18; rules in services/open311.service.ts, shapes in
 * shared/open311.ts): services, a service's definition, POST and GET requests, GET one request,
 * each as `.json` or `.xml`.
 *
 * Decided:
 * - Registered 'public' with the access checked in the service: the spec sends `api_key` in the
 *   form, which is parsed here, after the registry's guard. `Authorization: Bearer cik_…` (set by
 *   http/auth.ts) wins; otherwise `api_key` (form, JSON or query) is looked up, and a bad one is a
 *   403 at once.
 * - The API chain parses JSON only: a form is parsed here (`express.urlencoded`, 64 KB, after the
 *   chain's storable check, so every field is checked by shared/open311.ts's text rules).
 * - Every error of these routes, the registry's own checks included, is the spec's list
 *   `[{code, description}]` (XML `<errors><error>…`) in the format asked for; an unknown format is
 *   a 404. Errors raised before the routes (the chain's JSON parser and storable check, a bad Bearer
 *   header) keep the hub's body unless `open311ChainErrors` is mounted after the API router.
 * - XML by fast-xml-parser's XMLBuilder, as the spec's elements; characters XML 1.0 cannot carry
 *   (C0 controls, U+FFFE/FFFF, which PostgreSQL stores) are written as U+FFFD.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import { printable } from '@shared/text';
import {
  gatherAttributes,
  isOpen311Format,
  issueLine,
  open311Created,
  open311KeyQuery,
  open311Request,
  open311RequestInput,
  open311RequestsQuery,
  open311ServiceEntry,
  open311ServiceDefinition,
  type Open311Format,
} from '@shared/open311';
import { HttpError } from '../core/http-errors';
import { requestMeta, type ApiRoutes, type RouteDoc } from '../http/auth';
import type { AuthService } from '../services/auth.service';
import type { Open311Service } from '../services/open311.service';

export const OPEN311_BASE = '/open311/v2';

export function open311Routes(
  api: ApiRoutes,
  deps: {
    open311: Open311Service;
    auth: Pick<AuthService, 'authenticateIntegrationKey'>;
    citizenLimit: RequestHandler;
  },
): void {
  const P = OPEN311_BASE;
  const o = deps.open311;
  const key = keyReader(deps.auth);
  // Express would take an error handler among a route's handlers; the registry's type lists request handlers.
  const errors = open311RouteErrors as unknown as RequestHandler;
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

  api.add(
    'get',
    `${P}/services.:format`,
    'public',
    doc.services,
    format,
    key,
    (req, res) => {
      parse(open311KeyQuery, req.query);
      send(req, res, 200, o.services(req.auth), (list) => ({ services: { service: list } }));
    },
    errors,
  );

  api.add(
    'get',
    `${P}/services/:code.:format`,
    'public',
    doc.definition,
    format,
    key,
    (req, res) => {
      parse(open311KeyQuery, req.query);
      const def = o.definition(req.auth, String(req.params.code));
      send(req, res, 200, def, (d) => ({
        service_definition: { service_code: d.service_code, attributes: '' },
      }));
    },
    errors,
  );

  api.add(
    'post',
    `${P}/requests.:format`,
    'public',
    doc.create,
    format,
    deps.citizenLimit,
    form,
    key,
    async (req, res) => {
      // Who asks is checked before what they sent (a refused caller learns nothing of the fields).
      o.authorizeWrite(req.auth);
      const input = parse(open311RequestInput, gatherAttributes(req.body));
      const created = await o.create(req.auth, input, requestMeta(req));
      res.set('Cache-Control', 'no-store');
      send(req, res, 201, [created], (list) => ({ service_requests: { request: list } }));
    },
    errors,
  );

  api.add(
    'get',
    `${P}/requests.:format`,
    'public',
    doc.list,
    format,
    key,
    async (req, res) => {
      const q = parse(open311RequestsQuery, req.query);
      const list = await o.list(req.auth, q);
      res.set('Cache-Control', 'no-store');
      send(req, res, 200, list, (l) => ({ service_requests: { request: l } }));
    },
    errors,
  );

  api.add(
    'get',
    `${P}/requests/:id.:format`,
    'public',
    doc.one,
    format,
    key,
    async (req, res) => {
      parse(open311KeyQuery, req.query);
      const one = await o.one(req.auth, String(req.params.id));
      res.set('Cache-Control', 'no-store');
      send(req, res, 200, [one], (l) => ({ service_requests: { request: l } }));
    },
    errors,
  );
}

// ---------------------------------------------------------------- the parts

/** `.json` or `.xml`; anything else is a 404 (in JSON). */
const format: RequestHandler = (req, _res, next) => {
  const f = String(req.params.format);
  if (!isOpen311Format(f))
    throw new HttpError(404, ErrorCode.RouteNotFound, `format: unknown format ${JSON.stringify(f)}: use .json or .xml`);
  next();
};

/** The spec's `api_key` (form, JSON or query) when no Bearer key said who the caller is. */
function keyReader(auth: Pick<AuthService, 'authenticateIntegrationKey'>): RequestHandler {
  return async (req, _res, next) => {
    if (req.auth) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = (body && typeof body === 'object' ? body.api_key : undefined) ?? req.query.api_key;
    if (typeof sent !== 'string') return next();
    const ctx = await auth.authenticateIntegrationKey(sent);
    if (!ctx) throw new HttpError(403, ErrorCode.AuthForbidden, 'api_key: not a valid integration key');
    req.auth = ctx;
    next();
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new HttpError(400, ErrorCode.RequestInvalid, issueLine(r.error));
}

function formatOf(req: Request): Open311Format {
  const f = (req.params as Record<string, string | undefined>).format ?? /\.(\w+)$/.exec(req.path)?.[1];
  return f === 'xml' ? 'xml' : 'json';
}

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const builder = new XMLBuilder({ format: false });

/** Characters XML 1.0 cannot carry even escaped (and lone surrogates, which no stored text holds). */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- C0 controls are what XML 1.0 forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every string of a value made fit for XML 1.0 (numbers and booleans as they are; null as an empty element). */
export function xmlSafe(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(NOT_XML, '\uFFFD');
  if (Array.isArray(v)) return v.map(xmlSafe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, xmlSafe(x)]));
  return v;
}

/** A document of the spec's XML: the declaration, then the elements of `tree`. */
export function toXml(tree: Record<string, unknown>): string {
  return XML_DECLARATION + builder.build(xmlSafe(tree));
}

function send<T>(req: Request, res: Response, status: number, body: T, xml: (b: T) => Record<string, unknown>): void {
  if (formatOf(req) === 'xml')
    res
      .status(status)
      .set('Content-Type', 'text/xml; charset=utf-8')
      .send(toXml(xml(body)));
  else res.status(status).json(body);
}

/** The spec's error list, as JSON or XML. */
export function errorReply(res: Response, fmt: Open311Format, status: number, description: string): void {
  const list = [{ code: status, description }];
  if (fmt === 'xml')
    res
      .status(status)
      .set('Content-Type', 'text/xml; charset=utf-8')
      .send(toXml({ errors: { error: list } }));
  else res.status(status).json(list);
}

interface ParserError extends Error {
  status?: number;
  type?: string;
}

/** A 4xx error as the spec's list, or undefined for what the hub's own handler must answer (5xx, database). */
function clientError(err: unknown): { status: number; description: string } | undefined {
  if (err instanceof HttpError) return err.status < 500 ? { status: err.status, description: err.message } : undefined;
  if (err instanceof URIError) return { status: 400, description: `params: ${printable(err.message)}` };
  const e = err as ParserError;
  if (e instanceof Error && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const description =
      e.type === 'entity.parse.failed'
        ? `body: not valid JSON (${printable(e.message)})`
        : e.type === 'entity.too.large'
          ? 'body: too large (at most 64 KB)'
          : `body: ${printable(e.message)}`;
    return { status: e.status === 413 ? 413 : e.status, description };
  }
  return undefined;
}

/** The routes' error handler: their own errors, the registry's parameter check and the form parser's. */
const open311RouteErrors: ErrorRequestHandler = (err, req, res, next) => {
  const c = clientError(err);
  if (!c || res.headersSent) return next(err);
  const fmt = isOpen311Format(String(req.params.format)) ? (String(req.params.format) as Open311Format) : 'json';
  errorReply(res, fmt, c.status, c.description);
};

/**
 * For the API chain, after the API router: errors raised before the routes (the JSON parser, the
 * storable check, a bad Bearer header, CSRF) on an Open311 path, as the spec's list.
 */
export const open311ChainErrors: ErrorRequestHandler = (err, req, res, next) => {
  if (!req.path.startsWith(`${OPEN311_BASE}/`)) return next(err);
  const c = clientError(err);
  if (!c || res.headersSent) return next(err);
  errorReply(res, /\.xml$/.test(req.path) ? 'xml' : 'json', c.status, c.description);
};

// ---------------------------------------------------------------- the routes' documentation

const XML_NOTE = 'Append .xml for text/xml (the spec’s elements) or .json for application/json.';
const KEY_NOTE =
  'An integration key (role integration): `Authorization: Bearer cik_…`, or the spec’s `api_key` (form, JSON or query).';
const ERRORS_NOTE = 'Errors as the spec’s list `[{ "code": <status>, "description": "<field>: <what>" }]`.';
const readErrors = {
  400: 'a query field (named)',
  403: 'no key, an invalid key, or a key whose role may not open311:read',
  404: 'an unknown format',
};

const doc = {
  services: {
    summary: 'Open311 GeoReport v2: the services (citizen-reportable categories)',
    description: `service_code is the category key, service_name its Chinese label, group its family; all realtime, metadata false. ${XML_NOTE} ${KEY_NOTE}`,
    query: open311KeyQuery,
    reply: { status: 200, schema: z.array(open311ServiceEntry), description: 'the services' },
    errors: readErrors,
    tags: ['Open311'],
  },
  definition: {
    summary: 'Open311 GeoReport v2: a service’s definition',
    description: `No service has metadata: attributes is empty. ${XML_NOTE} ${KEY_NOTE}`,
    query: open311KeyQuery,
    reply: { status: 200, schema: open311ServiceDefinition, description: 'the definition' },
    errors: { ...readErrors, 404: 'an unknown service_code or format' },
    tags: ['Open311'],
  },
  create: {
    summary: 'Open311 GeoReport v2: file a citizen’s request',
    description: `application/x-www-form-urlencoded (or JSON) with the spec’s fields: service_code, lat and long (WGS84; an address_string alone cannot be located, address_id is not supported), description, address_string, first_name, last_name, phone (kept for calling back, never shown by GET), email, device_id, account_id, media_url, attribute[…] (checked, not kept). The location must lie in the key’s scope. Filed as a citizen’s report; service_notice carries the citizen’s tracking code, only here. ${XML_NOTE} ${KEY_NOTE} ${ERRORS_NOTE}`,
    body: {
      mediaType: 'application/x-www-form-urlencoded',
      description: 'the spec’s fields (shared/open311.ts: open311RequestInput)',
    },
    reply: {
      status: 201,
      schema: z.array(open311Created),
      description: 'one item: service_request_id (the incident code)',
    },
    errors: {
      400: 'a field (named), a location outside the city',
      403: 'no key, an invalid key, a role that may not open311:write, or a location outside the key’s scope',
      404: 'an unknown format',
      413: 'a body over 64 KB',
      429: 'over the citizen reports’ rate for this address',
    },
    tags: ['Open311'],
  },
  list: {
    summary: 'Open311 GeoReport v2: the requests in the key’s scope',
    description: `Citizens’ reports, newest first, at most 1,000: service_request_id (a comma list; the other filters are then ignored), service_code, start_date and end_date (W3C with an offset; by default the 90 days to end_date or now), status=open|closed. Times at +08:00. No personal data. ${XML_NOTE} ${KEY_NOTE} ${ERRORS_NOTE}`,
    query: open311RequestsQuery,
    reply: { status: 200, schema: z.array(open311Request), description: 'the requests' },
    errors: readErrors,
    tags: ['Open311'],
  },
  one: {
    summary: 'Open311 GeoReport v2: one request',
    description: `A list of one, as the spec answers. ${XML_NOTE} ${KEY_NOTE}`,
    query: open311KeyQuery,
    reply: { status: 200, schema: z.array(open311Request), description: 'the request' },
    errors: {
      ...readErrors,
      403: 'outside the key’s scope, or no valid key',
      404: 'no such request, or an unknown format',
    },
    tags: ['Open311'],
  },
} satisfies Record<string, RouteDoc>;
