/**
 * The OpenAPI document (issue 18) is made from the route registry: every route the API registers
 * is in it, with its doc, and nothing else; and it is a valid OpenAPI 3.1 document. The registry is
 * the real one (createApi), built over stub services: registering a route calls no service.
 */
import { describe, expect, it } from 'vitest';
import { compileErrors, validate } from '@readme/openapi-parser';
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { authSettings, type Config } from '@server/core/config';
import type { HubMetrics } from '@server/core/metrics';
import type { RouteSpec } from '@server/http/auth';
import { createApi, type ApiServices } from '@server/routes/index';
import { docsPage, openApiDocument, openApiPath } from '@server/routes/docs';

/** Any property, any call: a stand-in for every service (routes only close over them). */
const stub: unknown = new Proxy(function stub() {}, {
  get: (_t, key) => (key === 'then' ? undefined : stub),
  apply: () => stub,
});

const specs = createApi(stub as ApiServices, authSettings({} as Config), stub as HubMetrics).specs;
const doc = openApiDocument(specs, API_PREFIX) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

interface Operation {
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  'x-action'?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}

const key = (s: RouteSpec) => `${s.method.toUpperCase()} ${openApiPath(API_PREFIX + s.path).path}`;

describe('the OpenAPI document', () => {
  it('has a registry of the whole API', () => {
    expect(specs.length).toBeGreaterThan(70);
  });

  it.each(specs.map((s) => [`${s.method.toUpperCase()} ${s.path}`, s] as const))(
    '%s is documented: a summary and a reply',
    (_name, spec) => {
      // RouteDoc is required by the type; this holds when a caller slips past it (a cast, JS).
      expect(spec.doc, 'registered without a RouteDoc').toBeDefined();
      expect(spec.doc.summary.trim(), 'no summary').not.toBe('');
      expect(spec.doc.reply, 'no reply').toBeDefined();
      expect(spec.doc.reply.description.trim(), 'no reply description').not.toBe('');
      expect(spec.doc.reply.status).toBeGreaterThanOrEqual(200);
      expect(spec.doc.reply.status).toBeLessThan(300);
      const { path, params } = openApiPath(API_PREFIX + spec.path);
      const op = doc.paths[path]?.[spec.method];
      expect(op, 'missing from the document').toBeDefined();
      expect(op!.summary).toBe(spec.doc.summary);
      expect(op!.responses[String(spec.doc.reply.status)]?.description).toBe(spec.doc.reply.description);
      expect(
        (op!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        'path parameters',
      ).toEqual(params);
      if (spec.doc.reply.schema)
        expect(op!.responses[String(spec.doc.reply.status)]?.content?.['application/json']?.schema).toBeDefined();
      if (spec.doc.body) expect(op!.requestBody).toBeDefined();
      // Access → security and the guard's answers.
      if (spec.access === 'public') {
        expect(op!.security).toEqual([]);
        // No guard's 401 (a public sign-in may still answer 401 of its own).
        expect(op!.responses['401']?.description ?? '').not.toContain('auth/required');
      } else {
        expect(op!.security.length).toBeGreaterThan(0);
        expect(op!.responses['401']?.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
      if (typeof spec.access === 'object') {
        expect(op!['x-action']).toBe(spec.access.action);
        expect(op!.responses['403']?.description).toContain(spec.access.action);
      }
    },
  );

  it('documents exactly the registry: no path or method more, none less', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(specs.map(key).sort());
  });

  it('fails on a route registered without a doc', () => {
    const bare = { method: 'get', path: '/undocumented', access: 'public' } as unknown as RouteSpec;
    expect(() => openApiDocument([...specs, bare], API_PREFIX)).toThrow(/GET \/undocumented has no RouteDoc/);
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('turns Express paths into templated ones, and derives security from the access', () => {
    expect(openApiPath('/api/v1/admin/users/:id/sessions')).toEqual({
      path: '/api/v1/admin/users/{id}/sessions',
      params: ['id'],
    });
    const ops = doc.paths;
    // A read by people only: the session cookie.
    expect(ops['/api/v1/incidents/{id}']!.get!.security).toEqual([{ session: [] }]);
    // A write by people: the cookie and the CSRF header; a device key may also open incidents.
    expect(ops['/api/v1/incidents']!.post!.security).toEqual([{ session: [], csrfToken: [] }, { deviceKey: [] }]);
    expect(ops['/api/v1/events']!.post!.security).toEqual([{ deviceKey: [] }]);
    // Any credential.
    expect(ops['/api/v1/auth/whoami']!.get!.security).toEqual([
      { session: [] },
      { deviceKey: [] },
      { integrationKey: [] },
    ]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'csrfToken',
      'deviceKey',
      'integrationKey',
      'session',
    ]);
    // Query schemas become parameters; tags default to the first path segment.
    const kpis = ops['/api/v1/stats/kpis']!.get!;
    expect(kpis.parameters?.map((p) => p.name).sort()).toEqual(['from', 'period', 'region', 'to']);
    expect(kpis.parameters?.every((p) => p.in === 'query' && p.required === false)).toBe(true);
    expect(kpis.tags).toEqual(['stats']);
    // Raw bodies and replies by media type.
    expect(Object.keys(ops['/api/v1/photos']!.post!.requestBody!.content)).toEqual(['image/*']);
    expect(Object.keys(ops['/api/v1/major-events/{id}/report.pdf']!.get!.responses['200']!.content!)).toEqual([
      'application/pdf',
    ]);
    expect(Object.keys(ops['/api/v1/stats/breakdown']!.get!.responses['200']!.content!).sort()).toEqual([
      'application/json',
      'text/csv',
    ]);
    // Named shared schemas are components.
    expect(ops['/api/v1/incidents/{id}']!.get!.responses['200']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/incidentDetail',
    });
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
  });

  it('falls back to {} where zod cannot say (a transform, a custom type) and does not throw', () => {
    const odd = z.custom<Date>(() => true).transform((d) => String(d));
    const one: RouteSpec = {
      method: 'post',
      path: '/odd/:x',
      access: 'authenticated',
      doc: {
        summary: 'odd',
        body: odd,
        query: z.object({ n: z.coerce.number() }),
        reply: { status: 200, schema: odd, description: 'odd' },
      },
    };
    const d = openApiDocument([one], '/api') as typeof doc;
    const op = d.paths['/api/odd/{x}']!.post!;
    expect(op.parameters?.map((p) => [p.name, p.in])).toEqual([
      ['x', 'path'],
      ['n', 'query'],
    ]);
    expect(op.responses['200']!.content!['application/json']!.schema).toBeDefined();
  });

  it('renders a page grouped by tag, with no script', () => {
    const html = docsPage(doc);
    expect(html).not.toMatch(/<script/i);
    for (const spec of specs) expect(html).toContain(`${spec.method.toUpperCase()} ${key(spec).split(' ')[1]}`);
    expect(html).toContain('id="tag-stats"');
    expect(html).toContain('href="#schema-incidentDetail"');
  });
});
