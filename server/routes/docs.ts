/**
 * The API documentation (issue 5): an OpenAPI 3.1 document made from the same zod schemas the hub
 * validates with (`/api/docs/openapi.json`), and a readable page of it (`/api/docs`), written on the
 * server as plain HTML (the CSP allows no inline script, and none is needed).
 */
import { Router } from 'express';
import { z } from 'zod';
import { eventInput, ingestReply, MAX_BATCH } from '@shared/ingest';
import { alarmActionBody, alarmSyncReply, alarmView } from '@shared/alarms';
import { adminUnitList, loginBody, sessionInfo, wallLoginBody, whoami } from '@shared/auth';
import { ruleSchema } from '@shared/rules';
import { zoneSearchReply } from '@shared/zone-search';
import {
  breakdownReply,
  gridAnalysisReply,
  gridCardReply,
  gridMeasureReply,
  heatReply,
  kpiReply,
  STATS_DIMENSIONS,
  STATS_PERIODS,
} from '@shared/stats';
import { unitTrailsReply } from '@shared/trails';
import { revealBody, revealReply } from '@shared/personal-data';
import { coverageGapsReply, coverageReply } from '@shared/coverage';
import { wallPreset, wallPresetBody, wallState } from '@shared/wall';
import { majorEventBody, majorEventView } from '@shared/major-events';
import { majorEventReport } from '@shared/major-event-report';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

interface Op {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  auth: string;
  body?: z.ZodType;
  ok: { status: number; schema?: z.ZodType; what: string };
  errors: string;
}

const OPS: Op[] = [
  {
    method: 'post',
    path: '/api/v1/events',
    summary: `Post one event, or a batch {"events": [...]} of at most ${MAX_BATCH}. Good items are kept when others are bad; an id sent again (per source) is a duplicate and is not stored twice.`,
    auth: 'Authorization: Bearer <device key> (or INGEST_API_KEY in the demo city)',
    body: z.union([eventInput, z.object({ events: z.array(eventInput).min(1).max(MAX_BATCH) })]),
    ok: {
      status: 202,
      schema: ingestReply,
      what: 'what was kept, what was a duplicate, and each refused item with its index and the fields at fault',
    },
    errors:
      '400 neither an event nor a batch, or a single invalid event (the message names the field) · 401 no valid key · 403 not a device · 413 over 1,000 events or 4 MB · 429 over the rate',
  },
  {
    method: 'get',
    path: '/api/v1/alarms',
    summary: 'What changed in the caller’s scope since ?since=<rev>, or a snapshot of the open alarms.',
    auth: 'session cookie (alarm:read)',
    ok: { status: 200, schema: alarmSyncReply, what: 'delta or snapshot' },
    errors: '400 bad since · 401 · 403',
  },
  {
    method: 'post',
    path: '/api/v1/alarms/{id}/actions',
    summary: 'Acknowledge an alarm, or mark it false.',
    auth: 'session cookie + X-CSRF-Token (alarm:handle, inside the scope)',
    body: alarmActionBody,
    ok: { status: 200, schema: alarmView, what: 'the alarm with its new rev' },
    errors: '400 · 401 · 403 outside the scope or a read-only role · 404 · 409 already past that state',
  },
  {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Sign in; the session is an httpOnly SameSite=Strict cookie.',
    auth: 'none',
    body: loginBody,
    ok: { status: 200, schema: sessionInfo, what: 'the session, with the CSRF token for later writes' },
    errors: '400 · 401 auth/invalid-credentials, auth/otp-required, auth/otp-invalid · 429 auth/locked (Retry-After)',
  },
  {
    method: 'post',
    path: '/api/v1/auth/wall',
    summary: 'A wall display signs in with its token.',
    auth: 'none',
    body: wallLoginBody,
    ok: { status: 200, schema: sessionInfo, what: 'the session' },
    errors: '400 · 401',
  },
  {
    method: 'get',
    path: '/api/v1/auth/whoami',
    summary: 'Who this credential is.',
    auth: 'session or device key',
    ok: { status: 200, schema: whoami, what: 'kind, id, role, scope' },
    errors: '401',
  },
  {
    method: 'put',
    path: '/api/v1/rules/{id}',
    summary:
      'Create or replace an alarm rule (issue 15: foldMinutes folds repeats in one zone or from one device into the open alarm; expireMinutes closes unhandled alarms, not for priority 1). Audited.',
    auth: 'session of a city-wide admin',
    body: ruleSchema,
    ok: { status: 200, schema: ruleSchema, what: 'the rule as stored' },
    errors: '400 a field out of range or a zone id that does not exist (named, e.g. body.zoneIds.0) · 403',
  },
  {
    method: 'get',
    path: '/api/v1/stats/kpis',
    summary: `The headline figures of a region (?region=, default the caller’s scope) over a window (?period=${STATS_PERIODS.join('|')}, or ?from=&to= local dates, at most 366 days), and of the window before it: counts, p50/p90 times, rates, alarms, open incidents. Definitions: README “Figures”.`,
    auth: 'session (stats:read: the centre’s roles and walls; inside the scope)',
    ok: { status: 200, schema: kpiReply, what: 'the window’s figures and the previous window’s' },
    errors: '400 a query field named · 401 · 403 a region outside the scope · 404 an unknown region',
  },
  {
    method: 'get',
    path: '/api/v1/stats/breakdown',
    summary: `The figures split ?by=${STATS_DIMENSIONS.join('|')} (region: the region’s children), same window and region parameters; ?format=csv for a CSV of the same rows.`,
    auth: 'session (stats:read, inside the scope)',
    ok: { status: 200, schema: breakdownReply, what: 'one row per key, and the total' },
    errors: '400 a query field named (by=region on a grid) · 401 · 403 · 404',
  },
  {
    method: 'get',
    path: '/api/v1/stats/grids',
    summary:
      'The month’s per-grid analysis (?month=YYYY-MM, ?region=): counts per grid × the 29 categories, the grids that stand out and why, top grids per category, the change against last month; ?format=csv.',
    auth: 'session (stats:read, inside the scope)',
    ok: { status: 200, schema: gridAnalysisReply, what: 'the grids with incidents this or last month' },
    errors: '400 a month malformed or not begun · 401 · 403 · 404',
  },
  {
    method: 'get',
    path: '/api/v1/stats/grids/{code}',
    summary: 'One grid’s card: 12 months to ?month= per category, its open incidents, the month’s rates.',
    auth: 'session (stats:read, the grid inside the scope)',
    ok: { status: 200, schema: gridCardReply, what: 'the sparklines’ series' },
    errors: '400 not a grid, or a bad month · 401 · 403 · 404',
  },
  {
    method: 'get',
    path: '/api/v1/stats/grid-measure',
    summary: 'The grid layer’s fill: ?measure=open (now) | reported | category (&category=) | closure, for ?month=.',
    auth: 'session (stats:read, inside the scope)',
    ok: { status: 200, schema: gridMeasureReply, what: 'grid code → value, and the largest' },
    errors: '400 a query field named · 401 · 403 · 404',
  },
  {
    method: 'get',
    path: '/api/v1/stats/heat',
    summary: 'Incident points of a window for the heat layer, as columns, times in minutes from the window’s start.',
    auth: 'session (stats:read, inside the scope)',
    ok: { status: 200, schema: heatReply, what: 'lon, lat, t and priority columns' },
    errors: '400 a query field named · 401 · 403 · 404',
  },
  {
    method: 'get',
    path: '/api/v1/zones',
    summary: 'Watch zones by name or id (?q=&kind=&ids=a,b&limit=), for the rule editor.',
    auth: 'session of a city-wide admin',
    ok: { status: 200, schema: zoneSearchReply, what: 'the zones found' },
    errors: '400 a query field named · 403',
  },
  {
    method: 'get',
    path: '/api/v1/units/trails',
    summary: 'Where the units in the caller’s scope were in the last 15 minutes (points at least 10 s apart).',
    auth: 'session',
    ok: { status: 200, schema: unitTrailsReply, what: 'per unit its path [lon, lat, …] and each point’s age in s' },
    errors: '401 · 403',
  },
  {
    method: 'get',
    path: '/api/v1/admin/units',
    summary: 'The units inside the admin’s scope, to link a field account to (unitId in the user bodies).',
    auth: 'session of an admin',
    ok: { status: 200, schema: adminUnitList, what: 'the units' },
    errors: '401 · 403',
  },
  {
    method: 'post',
    path: '/api/v1/incidents/{id}/reveal',
    summary:
      'One unmasked personal value of an incident (a reporter’s phone: dispatcher, commander; a dispute party’s ID: commander). Audited without the value.',
    auth: 'session',
    body: revealBody,
    ok: { status: 200, schema: revealReply, what: 'the field and its value' },
    errors: '400 a field named · 403 a role that may not, or outside the scope · 404',
  },
  {
    method: 'get',
    path: '/api/v1/coverage',
    summary:
      'Every grid of the scope: minutes for the nearest available unit of each need, and the open coverage gaps.',
    auth: 'session that may read alarms',
    ok: { status: 200, schema: coverageReply, what: 'grids, minutes per need, open gaps' },
    errors: '401 · 403',
  },
  {
    method: 'get',
    path: '/api/v1/coverage/gaps',
    summary: "The scope's open coverage gaps alone, one per grid and need (what the maps draw).",
    auth: 'session that may read alarms',
    ok: { status: 200, schema: coverageGapsReply, what: 'open gaps' },
    errors: '401 · 403',
  },
  {
    method: 'get',
    path: '/api/v1/wall',
    summary: 'What this wall shows now: the default preset, or the preset of a major event open in its scope.',
    auth: 'session',
    ok: { status: 200, schema: wallState, what: 'the preset and why' },
    errors: '401',
  },
  {
    method: 'get',
    path: '/api/v1/wall/presets',
    summary: 'The wall presets.',
    auth: 'session',
    ok: { status: 200, schema: z.object({ presets: z.array(wallPreset) }), what: 'the presets' },
    errors: '401',
  },
  {
    method: 'put',
    path: '/api/v1/wall/presets/{id}',
    summary: 'Create or replace a wall preset (city-wide admins; audited).',
    auth: 'session of a city-wide admin',
    body: wallPresetBody,
    ok: { status: 200, schema: wallPreset, what: 'the preset' },
    errors: '400 a field named (an unknown panel, a panel twice, a time out of range) · 403',
  },
  {
    method: 'delete',
    path: '/api/v1/wall/presets/{id}',
    summary: 'Delete a wall preset (not the default, nor one a major event names).',
    auth: 'session of a city-wide admin',
    ok: { status: 204, what: 'deleted' },
    errors: '403 · 404 · 409 in use',
  },
  {
    method: 'get',
    path: '/api/v1/major-events',
    summary: 'The major security events of the scope, the latest window first.',
    auth: 'session',
    ok: { status: 200, schema: z.object({ events: z.array(majorEventView) }), what: 'the events' },
    errors: '401 · 403',
  },
  {
    method: 'post',
    path: '/api/v1/major-events',
    summary:
      'Plan a major security event in the scope (commanders; audited). Every object is checked: the region, the perimeter (no self-crossing, inside the region), each post (inside the perimeter or its buffer ring), unit, camera and the preset.',
    auth: 'session of a commander',
    body: majorEventBody,
    ok: { status: 201, schema: majorEventView, what: 'the event' },
    errors: '400 a field named · 403 outside the scope',
  },
  {
    method: 'get',
    path: '/api/v1/major-events/{id}',
    summary: 'One major event.',
    auth: 'session',
    ok: { status: 200, schema: majorEventView, what: 'the event' },
    errors: '403 outside the scope · 404',
  },
  {
    method: 'put',
    path: '/api/v1/major-events/{id}',
    summary: 'Change a major event that is not closed (commanders; audited).',
    auth: 'session of a commander',
    body: majorEventBody,
    ok: { status: 200, schema: majorEventView, what: 'the event' },
    errors: '400 a field named · 403 · 404 · 409 closed',
  },
  {
    method: 'post',
    path: '/api/v1/major-events/{id}/close',
    summary: 'Close a major event now (commanders; audited).',
    auth: 'session of a commander',
    ok: { status: 200, schema: majorEventView, what: 'the event' },
    errors: '403 · 404 · 409 closed',
  },
  {
    method: 'get',
    path: '/api/v1/major-events/{id}/report',
    summary:
      'The report of a major event: the alarms and incidents inside its perimeter during its window (from its start to its close, or to now while it runs; empty before it starts), the headline figures, the posts with their units as they stand, escalations and the timeline (oldest first, capped). `window.final`: the event has closed (the after-action report). Not cached.',
    auth: 'session',
    ok: { status: 200, schema: majorEventReport, what: 'the report' },
    errors: '403 outside the scope (nothing of the event said) · 404',
  },
  {
    method: 'get',
    path: '/api/v1/major-events/{id}/report.pdf',
    summary:
      'The same report as a printable PDF (Chinese, A4: figures, a map, forces, escalations, the timeline), sent as a download (Content-Disposition attachment, the event’s name in filename*). Not cached.',
    auth: 'session',
    ok: { status: 200, what: 'application/pdf' },
    errors: '403 outside the scope (nothing of the event said) · 404',
  },
];

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPS) {
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      description: `Authentication: ${op.auth}. Errors: ${op.errors}.`,
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: json(op.body) } } } }
        : {}),
      responses: {
        [op.ok.status]: {
          description: op.ok.what,
          ...(op.ok.schema ? { content: { 'application/json': { schema: json(op.ok.schema) } } } : {}),
        },
        '4XX': {
          description: 'a coded error: { error: { code, message, details? } }',
          content: { 'application/json': { schema: json(errorBody) } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'City command-dispatch hub',
      version: '1',
      description: 'Events in, alarms out. Socket.IO events are typed in shared/events.ts.',
    },
    paths,
  };
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(): string {
  const rows = OPS.map((op) => {
    const body = op.body ? `<h4>Body</h4><pre>${escape(JSON.stringify(json(op.body), null, 2))}</pre>` : '';
    const reply = op.ok.schema
      ? `<h4>${op.ok.status}: ${escape(op.ok.what)}</h4><pre>${escape(JSON.stringify(json(op.ok.schema), null, 2))}</pre>`
      : '';
    return `<section><h3><code>${op.method.toUpperCase()} ${escape(op.path)}</code></h3><p>${escape(op.summary)}</p><p><b>Authentication:</b> ${escape(op.auth)}</p><p><b>Errors:</b> ${escape(op.errors)}</p><details><summary>Schemas</summary>${body}${reply}</details></section>`;
  }).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hub API</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;background:#0b1526;color:#dbe4f0}code,pre{font-family:ui-monospace,monospace}pre{background:#12233f;padding:1em;overflow:auto;font-size:12px}section{border-top:1px solid #1f6fc0;padding-top:.5em}a{color:#7fb8ff}</style></head><body><h1>City command-dispatch hub: API</h1><p>Made from the zod schemas the hub validates with. Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a>. Errors are <code>{"error": {"code", "message", "details"}}</code>; a bad input is 400 <code>request/invalid</code> naming the field.</p>${rows}</body></html>`;
}

export function docsRoutes(): Router {
  const r = Router();
  const doc = JSON.stringify(openApiDocument());
  const html = page();
  r.get('/api/docs/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(doc);
  });
  r.get('/api/docs', (_req, res) => {
    res.type('text/html').set('Cache-Control', 'no-cache').send(html);
  });
  return r;
}
