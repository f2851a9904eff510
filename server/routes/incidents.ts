/**
 * Incidents over HTTP (rules in services/incidents/): the desk's list and detail, creating (also
 * from an alarm), acting through the machine, attaching an alarm, mediations, dispatch proposals
 * and merge candidates. The SLA policy, the field page, photos, citizens and QR codes have route
 * files of their own.
 */
import { z } from 'zod';
import { createIncidentBody, incidentActionBody, incidentListQuery, mediationBody } from '@shared/incidents';
import { revealBody } from '@shared/personal-data';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { IncidentServices } from '../services/incidents';

const attachBody = z.strictObject({
  alarmId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64),
  version: z.number({ error: 'must be the version you saw (a number)' }).int().min(1),
});

export function incidentRoutes(api: ApiRoutes, deps: { incidents: IncidentServices }): void {
  const id = (p: unknown) => String(p);

  api.add('get', '/incidents', { action: 'incident:read' }, async (req, res) => {
    const q = parseInput(incidentListQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.incidents.read.list(ctxOf(req), q));
  });
  api.add('post', '/incidents', { action: 'incident:create' }, async (req, res) => {
    const body = parseInput(createIncidentBody, req.body, 'body');
    const { detail, created } = await deps.incidents.intake.create(ctxOf(req), body, requestMeta(req));
    res.status(created ? 201 : 200).json(detail);
  });
  api.add('post', '/incidents/from-alarm/:alarmId', { action: 'incident:dispatch' }, async (req, res) => {
    const { detail, created } = await deps.incidents.intake.fromAlarm(
      ctxOf(req),
      id(req.params.alarmId),
      requestMeta(req),
    );
    res.status(created ? 201 : 200).json(detail);
  });
  api.add('get', '/incidents/:id', { action: 'incident:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.read.detail(ctxOf(req), id(req.params.id)));
  });
  api.add('post', '/incidents/:id/actions', { action: 'incident:act' }, async (req, res) => {
    const body = parseInput(incidentActionBody, req.body, 'body');
    res.json(await deps.incidents.commands.act(ctxOf(req), id(req.params.id), body, requestMeta(req)));
  });
  api.add('post', '/incidents/:id/alarms', { action: 'incident:dispatch' }, async (req, res) => {
    const body = parseInput(attachBody, req.body, 'body');
    res.json(
      await deps.incidents.commands.attachAlarm(
        ctxOf(req),
        id(req.params.id),
        body.alarmId,
        body.version,
        requestMeta(req),
      ),
    );
  });
  api.add('post', '/incidents/:id/mediations', { action: 'incident:dispatch' }, async (req, res) => {
    const body = parseInput(mediationBody, req.body, 'body');
    res.json(await deps.incidents.disputes.mediate(ctxOf(req), id(req.params.id), body, requestMeta(req)));
  });
  // A masked ID number or phone in full, for the roles allowed that field; audited.
  api.add('post', '/incidents/:id/reveal', { action: 'incident:reveal' }, async (req, res) => {
    const body = parseInput(revealBody, req.body, 'body');
    res
      .set('Cache-Control', 'no-store')
      .json(await deps.incidents.personalData.reveal(ctxOf(req), id(req.params.id), body, requestMeta(req)));
  });
  api.add('get', '/incidents/:id/proposal', { action: 'incident:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.dispatch.proposal(ctxOf(req), id(req.params.id)));
  });
  api.add('get', '/incidents/:id/merge-candidates', { action: 'incident:read' }, async (req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json({ candidates: await deps.incidents.merging.candidates(ctxOf(req), id(req.params.id)) });
  });
}
