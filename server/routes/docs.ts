/**
 * The API documentation (issues 5 and 18): an OpenAPI 3.1 document made from the route registry
 * (`ApiRoutes.specs`: every route's method, path, access and `RouteDoc`, whose schemas are the zod
 * schemas the route parses with) at `/api/docs/openapi.json`, and a readable page of it at
 * `/api/docs`, written on the server as plain HTML (the CSP allows no inline script, and none is
 * needed). Both exist once the API does (503 until the hub is ready, like the API itself).
 */
import { Router } from 'express';
import { z, type ZodType } from 'zod';
import { API_PREFIX } from '@shared/api';
import { CSRF_HEADER, DEVICE_KEY_PREFIX, INTEGRATION_KEY_PREFIX, SESSION_COOKIE } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import * as alarmsSchemas from '@shared/alarms';
import * as apiSchemas from '@shared/api';
import * as authSchemas from '@shared/auth';
import * as coverageSchemas from '@shared/coverage';
import * as deadLetterSchemas from '@shared/dead-letters';
import * as incidentSchemas from '@shared/incidents';
import * as ingestSchemas from '@shared/ingest';
import * as majorEventReportSchemas from '@shared/major-event-report';
import * as majorEventSchemas from '@shared/major-events';
import * as mapSchemas from '@shared/map';
import * as personalDataSchemas from '@shared/personal-data';
import * as rulesSchemas from '@shared/rules';
import * as slaSchemas from '@shared/sla';
import * as statsSchemas from '@shared/stats';
import * as trailsSchemas from '@shared/trails';
import * as wallSchemas from '@shared/wall';
import * as worldSchemas from '@shared/world';
import * as zoneSearchSchemas from '@shared/zone-search';
import { HttpError } from '../core/http-errors';
import { ROLE_ACTIONS, type PrincipalRole } from '../auth/policy';
import type { Access, Method, RouteDoc, RouteSpec } from '../http/auth';

type Json = Record<string, unknown>;

/** Every error reply of the hub (core/http-errors.ts). */
const errorBody = z.object({
  error: z.object({
    code: z.string().describe("'domain/reason', e.g. request/invalid, auth/forbidden (shared/errors.ts)"),
    message: z.string().describe('what was wrong, in English; a bad field is named (body.x, query.y)'),
    details: z.unknown().optional().describe('e.g. issues: [{ path, message }] for a bad input'),
  }),
});

/**
 * The shared modules whose exported schemas get a name (a component) in the document; a schema
 * the routes compose inline is written out where it is used.
 */
const NAMED_MODULES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['alarms', alarmsSchemas],
  ['api', apiSchemas],
  ['auth', authSchemas],
  ['coverage', coverageSchemas],
  ['deadLetters', deadLetterSchemas],
  ['incidents', incidentSchemas],
  ['ingest', ingestSchemas],
  ['majorEventReport', majorEventReportSchemas],
  ['majorEvents', majorEventSchemas],
  ['map', mapSchemas],
  ['personalData', personalDataSchemas],
  ['rules', rulesSchemas],
  ['sla', slaSchemas],
  ['stats', statsSchemas],
  ['trails', trailsSchemas],
  ['wall', wallSchemas],
  ['world', worldSchemas],
  ['zoneSearch', zoneSearchSchemas],
];

let schemaNames: Map<ZodType, string> | undefined;
/** A shared schema's export name ('incidentDetail'), module-prefixed where two modules use one name. */
function nameOf(schema: ZodType): string | undefined {
  if (!schemaNames) {
    schemaNames = new Map();
    const taken = new Set<string>();
    for (const [module, exports] of NAMED_MODULES) {
      for (const [name, value] of Object.entries(exports)) {
        if (!(value instanceof z.ZodType) || schemaNames.has(value)) continue;
        const unique = taken.has(name) ? `${module}.${name}` : name;
        taken.add(unique);
        schemaNames.set(value, unique);
      }
    }
  }
  return schemaNames.get(schema);
}

/** zod → JSON Schema 2020-12; a schema zod cannot express (a transform's output) becomes {}. */
function jsonSchema(schema: ZodType, io: 'input' | 'output'): Json {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as Json;
    return rest;
  } catch {
    return {};
  }
}

/** Hoists a schema's own `$defs` (recursive schemas) into components, where `#/…` refs resolve in OpenAPI. */
function hoistDefs(schema: Json, prefix: string, components: Record<string, Json>): Json {
  const defs = schema.$defs as Record<string, Json> | undefined;
  if (!defs) return schema;
  const { $defs: _defs, ...rest } = schema;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')
            ? `#/components/schemas/${prefix}.${x.slice('#/$defs/'.length)}`
            : rewrite(x),
        ]),
      );
    }
    return v;
  };
  for (const [k, d] of Object.entries(defs)) components[`${prefix}.${k}`] = rewrite(d) as Json;
  return rewrite(rest) as Json;
}

/** The schemas of one document: named ones as components (`$ref`), the rest inline. */
class Schemas {
  readonly components: Record<string, Json> = { Error: jsonSchema(errorBody, 'output') };
  private inline = 0;

  /** A JSON schema for `schema` as a request (`input`) or a reply (`output`) reads it. */
  ref(schema: ZodType, io: 'input' | 'output'): Json {
    const name = nameOf(schema);
    if (!name) return hoistDefs(jsonSchema(schema, io), `Inline${++this.inline}`, this.components);
    const out = this.named(name, schema, 'output');
    // The input's own component only where it differs (defaults, coercions, transforms).
    const key =
      io === 'output' || JSON.stringify(jsonSchema(schema, 'input')) === JSON.stringify(jsonSchema(schema, 'output'))
        ? out
        : this.named(`${name}Input`, schema, 'input');
    return { $ref: `#/components/schemas/${key}` };
  }

  /** Query parameters: the object's properties one by one (JSON Schema of the input). */
  params(schema: ZodType): Json[] {
    const s = jsonSchema(schema, 'input');
    const props = s.properties as Record<string, Json> | undefined;
    if (s.type !== 'object' || !props) {
      return [{ name: 'query', in: 'query', style: 'form', explode: true, schema: s }];
    }
    const required = new Set((s.required as string[] | undefined) ?? []);
    return Object.entries(props).map(([name, p]) => ({
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      schema: p,
    }));
  }

  private named(key: string, schema: ZodType, io: 'input' | 'output'): string {
    this.components[key] ??= hoistDefs(jsonSchema(schema, io), key, this.components);
    return key;
  }
}

const UNSAFE: ReadonlySet<Method> = new Set(['post', 'put', 'patch', 'delete']);
const PEOPLE: readonly PrincipalRole[] = ['admin', 'commander', 'dispatcher', 'field', 'wall', 'viewer'];

/** Who may call a route with `access`: the roles (people and displays), devices, integrations. */
function callers(access: Access): { roles: PrincipalRole[]; device: boolean; integration: boolean } {
  if (access === 'public') return { roles: [], device: false, integration: false };
  if (access === 'authenticated') return { roles: [...PEOPLE], device: true, integration: true };
  const may = (r: PrincipalRole) => ROLE_ACTIONS[r].has(access.action);
  return { roles: PEOPLE.filter(may), device: may('device'), integration: may('integration') };
}

/** The OpenAPI security requirements: a session (with the CSRF header on a write), a device key, an integration key. */
function security(method: Method, access: Access): Json[] {
  const who = callers(access);
  const out: Json[] = [];
  if (who.roles.length) out.push(UNSAFE.has(method) ? { session: [], csrfToken: [] } : { session: [] });
  if (who.device) out.push({ deviceKey: [] });
  if (who.integration) out.push({ integrationKey: [] });
  return out;
}

/** 'public', 'any credential', or the action with the roles that have it. */
export function accessText(access: Access): string {
  if (access === 'public') return 'public (no credential)';
  if (access === 'authenticated') return 'any valid credential';
  const who = callers(access);
  const kinds = [...who.roles, ...(who.device ? ['device key'] : []), ...(who.integration ? ['integration key'] : [])];
  return `${access.action} (${kinds.join(', ') || 'nobody'})${access.duringMfaSetup ? ', also while an admin’s second factor is pending' : ''}`;
}

/** '/admin/users/:id' → '/admin/users/{id}', and the parameters' names. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const out = path.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: out, params };
}

/**
 * The statuses a route may answer with: the guard's and the request chain's (from its access,
 * method and inputs), and the route's own: for 400 and 403 both are said (a malformed field and
 * the route's own checks; the guard's and the scope's), for any other status the route's text.
 */
function errorStatuses(spec: RouteSpec, doc: RouteDoc, pathParams: string[]): Map<number, string> {
  const e = new Map<number, string>();
  const inputs = [
    doc.body && !isRaw(doc.body) ? 'body' : '',
    doc.query ? 'query' : '',
    pathParams.length ? 'path parameter' : '',
  ].filter(Boolean);
  if (inputs.length)
    e.set(400, `${ErrorCode.RequestInvalid}: a malformed ${inputs.join(' or ')} (the message names the field)`);
  if (spec.access !== 'public') e.set(401, `${ErrorCode.AuthRequired}: no valid credential (no session, or it ended)`);
  const forbidden: string[] = [];
  if (typeof spec.access === 'object') {
    forbidden.push(`${ErrorCode.AuthForbidden}: the caller's role may not ${spec.access.action}`);
    if (!spec.access.duringMfaSetup && ROLE_ACTIONS.admin.has(spec.access.action))
      forbidden.push(`${ErrorCode.AuthTotpSetupRequired}: an admin who must set up a second factor first`);
  }
  if (UNSAFE.has(spec.method))
    forbidden.push(`${ErrorCode.AuthCsrf}: a foreign Origin, or a session's write without ${CSRF_HEADER}`);
  e.set(429, `${ErrorCode.RateLimited}: too many requests (Retry-After)`);
  for (const [status, text] of Object.entries(doc.errors ?? {})) {
    if (!text) continue;
    const n = Number(status);
    if (n === 403) forbidden.push(text);
    else if (n === 400 && e.has(400)) e.set(400, `${e.get(400)} · ${text}`);
    else e.set(n, text);
  }
  if (forbidden.length) e.set(403, forbidden.join(' · '));
  return new Map([...e].sort(([a], [b]) => a - b));
}

function isRaw(body: NonNullable<RouteDoc['body']>): body is { mediaType: string; description: string } {
  return !(body instanceof z.ZodType);
}

function operationId(method: Method, path: string): string {
  const words = path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `${method}${words.join('')}`;
}

/** The tag of a route: its doc's, or the first segment of its path. */
export function tagsOf(spec: RouteSpec): string[] {
  return spec.doc?.tags?.length ? spec.doc.tags : [spec.path.split('/').find(Boolean) ?? 'api'];
}

function operation(spec: RouteSpec, schemas: Schemas, pathParams: string[]): Json {
  const doc = spec.doc;
  if (!doc) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} has no RouteDoc`);
  const parameters: Json[] = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(doc.query ? schemas.params(doc.query) : []),
  ];
  const reply = doc.reply;
  const replyContent: Json = {};
  if (reply.schema)
    replyContent[reply.mediaType ?? 'application/json'] = { schema: schemas.ref(reply.schema, 'output') };
  else if (reply.mediaType) replyContent[reply.mediaType] = {};
  for (const alt of reply.alternatives ?? []) replyContent[alt.mediaType] = { description: alt.description };
  const responses: Record<string, Json> = {
    [String(reply.status)]: {
      description: reply.description,
      ...(Object.keys(replyContent).length ? { content: stripDescriptions(replyContent) } : {}),
    },
  };
  for (const [status, text] of errorStatuses(spec, doc, pathParams)) {
    responses[String(status)] = {
      description: text,
      ...(status >= 400 ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : {}),
    };
  }
  const alternatives = (reply.alternatives ?? []).map((a) => `${a.mediaType}: ${a.description}`);
  const description = [
    doc.description,
    alternatives.length ? `Also: ${alternatives.join('; ')}.` : '',
    `Access: ${accessText(spec.access)}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    operationId: operationId(spec.method, spec.path),
    tags: tagsOf(spec),
    summary: doc.summary,
    description,
    'x-access': accessText(spec.access),
    ...(typeof spec.access === 'object' ? { 'x-action': spec.access.action } : {}),
    security: security(spec.method, spec.access),
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: isRaw(doc.body)
            ? { required: true, description: doc.body.description, content: { [doc.body.mediaType]: {} } }
            : { required: true, content: { 'application/json': { schema: schemas.ref(doc.body, 'input') } } },
        }
      : {}),
    responses,
  };
}

/** A Media Type Object has no description: alternatives say theirs in the operation's description. */
function stripDescriptions(content: Json): Json {
  return Object.fromEntries(
    Object.entries(content).map(([k, v]) => {
      const { description: _d, ...rest } = v as Json;
      return [k, rest];
    }),
  );
}

/** The OpenAPI 3.1 document of every route in the registry, under `prefix` ('/api/v1'). */
export function openApiDocument(specs: readonly RouteSpec[], prefix: string): Json {
  const schemas = new Schemas();
  const paths: Record<string, Record<string, Json>> = {};
  const tags = new Set<string>();
  for (const spec of specs) {
    const { path, params } = openApiPath(`${prefix}${spec.path}`);
    const item = (paths[path] ??= {});
    if (item[spec.method]) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} is registered twice`);
    item[spec.method] = operation(spec, schemas, params);
    for (const t of tagsOf(spec)) tags.add(t);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'City command-dispatch hub',
      version: '1',
      description:
        'Every route of the hub’s HTTP API, made from its route registry and the zod schemas it validates with. ' +
        'Errors are `{"error": {"code", "message", "details"}}`; a bad input is 400 `request/invalid` naming the field. ' +
        'Socket.IO events are typed in shared/events.ts.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The session cookie from POST /auth/login or /auth/wall (httpOnly, SameSite=Strict).',
        },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description: 'The session’s CSRF token (GET /auth/session), on every POST, PUT, PATCH and DELETE.',
        },
        deviceKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: `${DEVICE_KEY_PREFIX}…`,
          description: 'A device key (admin/device-keys).',
        },
        integrationKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: `${INTEGRATION_KEY_PREFIX}…`,
          description: 'An integration key: another agency’s system (CAP, Open311).',
        },
      },
    },
  };
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A schema's name on the page: a link to its component, or what it is inline. */
function schemaLabel(schema: Json | undefined): string {
  if (!schema) return '—';
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.slice('#/components/schemas/'.length);
    return `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
  }
  return `<details><summary>inline</summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`;
}

/** The readable page: operations grouped by tag, then the named schemas. */
export function docsPage(doc: Json): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const requestBody = op.requestBody as { content: Record<string, { schema?: Json }> } | undefined;
      const [bodyType, bodyMedia] = Object.entries(requestBody?.content ?? {})[0] ?? [];
      const responses = op.responses as Record<
        string,
        { description: string; content?: Record<string, { schema?: Json }> }
      >;
      const [okStatus, ok] = Object.entries(responses).find(([s]) => Number(s) < 400)!;
      const okContent = Object.entries(ok.content ?? {});
      const errors = Object.entries(responses)
        .filter(([s]) => s !== okStatus)
        .map(([s, r]) => `<li><b>${s}</b> ${escape(r.description)}</li>`)
        .join('');
      const query = ((op.parameters as Json[] | undefined) ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => `<code>${escape(String(p.name))}${p.required ? '' : '?'}</code>`)
        .join(' ');
      const html = `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code></h3><p>${escape(String(op.summary))}</p>
<p><b>Access:</b> ${escape(String(op['x-access']))}</p>
${query ? `<p><b>Query:</b> ${query}</p>` : ''}${bodyType ? `<p><b>Body</b> (${escape(bodyType)}): ${bodyMedia?.schema ? schemaLabel(bodyMedia.schema) : escape(String((op.requestBody as { description?: string }).description ?? ''))}</p>` : ''}
<p><b>${okStatus}</b> ${escape(ok.description)}${okContent.map(([m, c]) => ` · ${escape(m)}${c.schema ? `: ${schemaLabel(c.schema)}` : ''}`).join('')}</p>
<details><summary>Errors</summary><ul>${errors}</ul></details></section>`;
      for (const tag of op.tags as string[]) byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const toc = [...byTag.keys()]
    .sort()
    .map((t) => `<a href="#tag-${escape(t)}">${escape(t)}</a>`)
    .join(' · ');
  const groups = [...byTag.keys()]
    .sort()
    .map((t) => `<h2 id="tag-${escape(t)}">${escape(t)}</h2>\n${byTag.get(t)!.join('\n')}`)
    .join('\n');
  const components = (doc.components as { schemas: Record<string, Json> }).schemas;
  const named = Object.entries(components)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, s]) =>
        `<section id="schema-${escape(name)}"><h3><code>${escape(name)}</code></h3><details><summary>JSON Schema</summary><pre>${escape(JSON.stringify(s, null, 2))}</pre></details></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hub API</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;background:#0b1526;color:#dbe4f0}code,pre{font-family:ui-monospace,monospace}pre{background:#12233f;padding:1em;overflow:auto;font-size:12px}section{border-top:1px solid #1f6fc0;padding-top:.5em}a{color:#7fb8ff}h2{margin-top:2em}</style></head><body><h1>City command-dispatch hub: API</h1><p>Every route of the hub, made from its route registry and the zod schemas it validates with. Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a> (OpenAPI 3.1). Errors are <code>{"error": {"code", "message", "details"}}</code>; a bad input is 400 <code>request/invalid</code> naming the field. A session's write needs the <code>${escape(CSRF_HEADER)}</code> header.</p><nav>${toc}</nav>${groups}<h2 id="schemas">Schemas</h2>${named}</body></html>`;
}

/**
 * `/api/docs/openapi.json` and `/api/docs`, from the registry `specs()` returns once the API exists
 * (undefined before: 503 `service/not-ready`). Built once per registry.
 */
export function docsRoutes(specs: () => readonly RouteSpec[] | undefined, prefix = API_PREFIX): Router {
  const r = Router();
  let built: { for: readonly RouteSpec[]; json: string; html: string } | undefined;
  const current = () => {
    const s = specs();
    if (!s) throw new HttpError(503, ErrorCode.ServiceNotReady, 'the hub is still starting (see /readyz)');
    if (built?.for !== s) {
      const doc = openApiDocument(s, prefix);
      built = { for: s, json: JSON.stringify(doc), html: docsPage(doc) };
    }
    return built;
  };
  r.get('/api/docs/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(current().json);
  });
  r.get('/api/docs', (_req, res) => {
    res.type('text/html').set('Cache-Control', 'no-cache').send(current().html);
  });
  return r;
}
