/** Major security events over HTTP (issue 17): thin handlers over services/major-event.service.ts. */
import { z } from 'zod';
import { majorEventBody, majorEventView } from '@shared/major-events';
import { majorEventReport } from '@shared/major-event-report';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { MajorEventService } from '../services/major-event.service';
import type { MajorEventReportService } from '../services/major-event-report.service';
import { reportFileNames, reportPdf } from '../services/major-event-pdf';

const idParam = z.strictObject({ id: z.string() });
const READ = { action: 'event:read' } as const;
const MANAGE = { action: 'event:manage' } as const;

export function majorEventRoutes(
  api: ApiRoutes,
  deps: { majorEvents: MajorEventService; majorEventReports: MajorEventReportService },
): void {
  const events = deps.majorEvents;
  api.add(
    'get',
    '/major-events',
    READ,
    {
      summary: 'The major security events of the scope, the latest window first.',
      reply: { status: 200, schema: z.object({ events: z.array(majorEventView) }), description: 'the events' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ events: await events.list(ctxOf(req)) });
    },
  );
  api.add(
    'post',
    '/major-events',
    MANAGE,
    {
      summary: 'Plan a major security event in the scope (commanders; audited).',
      description:
        'Every object is checked: the region, the perimeter (no self-crossing, inside the region), each post (inside the perimeter or its buffer ring), unit, camera and the wall preset.',
      body: majorEventBody,
      reply: { status: 201, schema: majorEventView, description: 'the event' },
      errors: {
        400: 'a region, unit, camera or preset that does not exist; a perimeter that crosses itself or leaves the region; a post outside the perimeter and its buffer ring (named)',
        403: 'the region or a unit outside the scope',
      },
    },
    async (req, res) => {
      const body = parseInput(majorEventBody, req.body, 'body');
      res.status(201).json(await events.create(ctxOf(req), body, requestMeta(req)));
    },
  );
  api.add(
    'get',
    '/major-events/:id',
    READ,
    {
      summary: 'One major event.',
      reply: { status: 200, schema: majorEventView, description: 'the event' },
      errors: { 403: 'the event lies outside the scope', 404: 'no major event with that id' },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      res.set('Cache-Control', 'no-store').json(await events.get(ctxOf(req), id));
    },
  );
  api.add(
    'put',
    '/major-events/:id',
    MANAGE,
    {
      summary: 'Change a major event that is not closed (commanders; audited).',
      body: majorEventBody,
      reply: { status: 200, schema: majorEventView, description: 'the event' },
      errors: {
        400: 'as when planning it (named)',
        403: 'the event, its new region or a unit outside the scope',
        404: 'no major event with that id',
        409: 'the event is closed',
      },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      const body = parseInput(majorEventBody, req.body, 'body');
      res.json(await events.update(ctxOf(req), id, body, requestMeta(req)));
    },
  );
  api.add(
    'post',
    '/major-events/:id/close',
    MANAGE,
    {
      summary: 'Close a major event now (commanders; audited).',
      reply: { status: 200, schema: majorEventView, description: 'the event, closed' },
      errors: { 403: 'the event lies outside the scope', 404: 'no major event with that id', 409: 'closed already' },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      res.json(await events.close(ctxOf(req), id, requestMeta(req)));
    },
  );
  // The report (after-action once closed, "so far" while open): JSON for the pages, a PDF to print.
  api.add(
    'get',
    '/major-events/:id/report',
    READ,
    {
      summary:
        'The report of a major event: alarms and incidents inside its perimeter during its window, figures, posts, escalations, timeline.',
      description:
        'The window runs from the start to the close, or to now while it runs (empty before it starts). `window.final`: the event has closed (the after-action report). Not cached.',
      reply: { status: 200, schema: majorEventReport, description: 'the report' },
      errors: { 403: 'the event lies outside the scope (nothing of it said)', 404: 'no major event with that id' },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      res.set('Cache-Control', 'no-store').json(await deps.majorEventReports.report(ctxOf(req), id));
    },
  );
  api.add(
    'get',
    '/major-events/:id/report.pdf',
    READ,
    {
      summary: 'The same report as a printable PDF (Chinese, A4: figures, a map, forces, escalations, the timeline).',
      description: 'Sent as a download (Content-Disposition attachment, the event’s name in filename*). Not cached.',
      reply: { status: 200, mediaType: 'application/pdf', description: 'the PDF' },
      errors: { 403: 'the event lies outside the scope (nothing of it said)', 404: 'no major event with that id' },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      const report = await deps.majorEventReports.report(ctxOf(req), id);
      // Drawn whole before a header is set: a fault is an ordinary error reply, never half a file.
      const pdf = reportPdf(report);
      res.set({
        'Content-Type': 'application/pdf',
        'Content-Disposition': reportFileNames(report).header,
        'Cache-Control': 'no-store',
      });
      pdf.pipe(res);
      pdf.end();
    },
  );
}
