/** Major security events over HTTP (issue 17): thin handlers over services/major-event.service.ts. */
import { z } from 'zod';
import { majorEventBody } from '@shared/major-events';
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
  api.add('get', '/major-events', READ, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ events: await events.list(ctxOf(req)) });
  });
  api.add('post', '/major-events', MANAGE, async (req, res) => {
    const body = parseInput(majorEventBody, req.body, 'body');
    res.status(201).json(await events.create(ctxOf(req), body, requestMeta(req)));
  });
  api.add('get', '/major-events/:id', READ, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    res.set('Cache-Control', 'no-store').json(await events.get(ctxOf(req), id));
  });
  api.add('put', '/major-events/:id', MANAGE, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    const body = parseInput(majorEventBody, req.body, 'body');
    res.json(await events.update(ctxOf(req), id, body, requestMeta(req)));
  });
  api.add('post', '/major-events/:id/close', MANAGE, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    res.json(await events.close(ctxOf(req), id, requestMeta(req)));
  });
  // The report (after-action once closed, "so far" while open): JSON for the pages, a PDF to print.
  api.add('get', '/major-events/:id/report', READ, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    res.set('Cache-Control', 'no-store').json(await deps.majorEventReports.report(ctxOf(req), id));
  });
  api.add('get', '/major-events/:id/report.pdf', READ, async (req, res) => {
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
  });
}
