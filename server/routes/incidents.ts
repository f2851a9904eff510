/**
 * Incidents over HTTP (rules in services/incidents/): the desk's list and detail, creating (also
 * from an alarm), acting through the machine, attaching an alarm, mediations, dispatch proposals
 * and merge candidates. The SLA policy, the field page, photos, citizens and QR codes have route
 * files of their own.
 */
import { z } from 'zod';
import {
  createIncidentBody,
  dispatchProposal,
  incidentActionBody,
  incidentDetail,
  incidentListQuery,
  incidentPage,
  mediationBody,
  mergeCandidate,
} from '@shared/incidents';
import { revealBody, revealReply } from '@shared/personal-data';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { IncidentServices } from '../services/incidents';

const attachBody = z.strictObject({
  alarmId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64),
  version: z.number({ error: 'must be the version you saw (a number)' }).int().min(1),
});

export function incidentRoutes(api: ApiRoutes, deps: { incidents: IncidentServices }): void {
  const id = (p: unknown) => String(p);

  api.add(
    'get',
    '/incidents',
    { action: 'incident:read' },
    {
      summary: 'The desk’s incident list of the scope: filtered, newest first, a page at a time (nextCursor).',
      query: incidentListQuery,
      reply: { status: 200, schema: incidentPage, description: 'a page of incidents and the cursor of the next' },
      errors: { 400: 'query.cursor: not a cursor this hub gave', 403: 'query.region outside the scope' },
    },
    async (req, res) => {
      const q = parseInput(incidentListQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.incidents.read.list(ctxOf(req), q));
    },
  );
  api.add(
    'post',
    '/incidents',
    { action: 'incident:create' },
    {
      summary: 'Open an incident (a dispatcher, a field unit, or a hotline system with a device key); audited.',
      description: 'An externalId seen before (per source) answers the incident it opened, with 200 instead of 201.',
      body: createIncidentBody,
      reply: {
        status: 201,
        schema: incidentDetail,
        description: 'the incident opened (200: the one an externalId opened already)',
      },
      errors: {
        400: 'body.location outside the city; a unit or photo that does not exist (named)',
        403: 'the location, or the incident of the externalId, lies outside the scope',
        409: 'a unit to dispatch is offline or busy',
      },
    },
    async (req, res) => {
      const body = parseInput(createIncidentBody, req.body, 'body');
      const { detail, created } = await deps.incidents.intake.create(ctxOf(req), body, requestMeta(req));
      res.status(created ? 201 : 200).json(detail);
    },
  );
  api.add(
    'post',
    '/incidents/from-alarm/:alarmId',
    { action: 'incident:dispatch' },
    {
      summary: 'Open the incident of an alarm (or answer the one it has already, 200); audited.',
      reply: {
        status: 201,
        schema: incidentDetail,
        description: 'the incident opened (200: the alarm’s incident already)',
      },
      errors: { 403: 'the alarm lies outside the scope', 404: 'no alarm with that id' },
    },
    async (req, res) => {
      const { detail, created } = await deps.incidents.intake.fromAlarm(
        ctxOf(req),
        id(req.params.alarmId),
        requestMeta(req),
      );
      res.status(created ? 201 : 200).json(detail);
    },
  );
  api.add(
    'get',
    '/incidents/:id',
    { action: 'incident:read' },
    {
      summary: 'One incident: its state, timeline, units, alarms, SLA clocks (personal data masked).',
      reply: { status: 200, schema: incidentDetail, description: 'the incident' },
      errors: { 403: 'the incident lies outside the scope', 404: 'no incident with that id' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.incidents.read.detail(ctxOf(req), id(req.params.id)));
    },
  );
  api.add(
    'post',
    '/incidents/:id/actions',
    { action: 'incident:act' },
    {
      summary:
        'Take one step of the incident’s machine (dispatch, accept, arrive, resolve, escalate, merge, cancel, …); audited.',
      description: '`version` is the version the caller saw: a stale one is a 409 carrying the current incident.',
      body: incidentActionBody,
      reply: { status: 200, schema: incidentDetail, description: 'the incident after the step' },
      errors: {
        400: 'a unit or photo that does not exist (named)',
        403: 'the incident, a unit or the incident merged into lies outside the scope; a field unit not assigned',
        404: 'no incident with that id',
        409: 'incident/illegal: the machine does not allow the step now; incident/stale: changed by someone else; a unit offline or busy',
      },
    },
    async (req, res) => {
      const body = parseInput(incidentActionBody, req.body, 'body');
      res.json(await deps.incidents.commands.act(ctxOf(req), id(req.params.id), body, requestMeta(req)));
    },
  );
  api.add(
    'post',
    '/incidents/:id/alarms',
    { action: 'incident:dispatch' },
    {
      summary: 'Attach an alarm to the incident (audited).',
      body: attachBody,
      reply: { status: 200, schema: incidentDetail, description: 'the incident with the alarm' },
      errors: {
        403: 'the incident or the alarm lies outside the scope',
        404: 'no incident, or no alarm, with that id',
        409: 'the incident is closed, the alarm belongs to another incident, or a stale version',
      },
    },
    async (req, res) => {
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
    },
  );
  api.add(
    'post',
    '/incidents/:id/mediations',
    { action: 'incident:dispatch' },
    {
      summary: 'Record a mediation of a dispute incident (parties, outcome); audited.',
      body: mediationBody,
      reply: { status: 200, schema: incidentDetail, description: 'the incident with the mediation' },
      errors: {
        403: 'the incident lies outside the scope',
        404: 'no incident with that id',
        409: 'not a dispute, the incident is closed, or a stale version',
      },
    },
    async (req, res) => {
      const body = parseInput(mediationBody, req.body, 'body');
      res.json(await deps.incidents.disputes.mediate(ctxOf(req), id(req.params.id), body, requestMeta(req)));
    },
  );
  // A masked ID number or phone in full, for the roles allowed that field; audited.
  api.add(
    'post',
    '/incidents/:id/reveal',
    { action: 'incident:reveal' },
    {
      summary:
        'One unmasked personal value of an incident (a reporter’s phone; a dispute party’s ID number); audited without the value.',
      body: revealBody,
      reply: { status: 200, schema: revealReply, description: 'the field and its value' },
      errors: {
        400: 'a field the incident does not have (named)',
        403: 'a role that may not reveal that field, or the incident outside the scope',
        404: 'no incident with that id',
      },
    },
    async (req, res) => {
      const body = parseInput(revealBody, req.body, 'body');
      res
        .set('Cache-Control', 'no-store')
        .json(await deps.incidents.personalData.reveal(ctxOf(req), id(req.params.id), body, requestMeta(req)));
    },
  );
  api.add(
    'get',
    '/incidents/:id/proposal',
    { action: 'incident:read' },
    {
      summary: 'The units proposed for the incident: the nearest available by the ETA model, ranked.',
      reply: { status: 200, schema: dispatchProposal, description: 'the ranked units with their ETAs' },
      errors: { 403: 'the incident lies outside the scope', 404: 'no incident with that id' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.incidents.dispatch.proposal(ctxOf(req), id(req.params.id)));
    },
  );
  api.add(
    'get',
    '/incidents/:id/merge-candidates',
    { action: 'incident:read' },
    {
      summary: 'Open incidents of the scope that may be the same as this one (near in place and time, same category).',
      reply: {
        status: 200,
        schema: z.object({ candidates: z.array(mergeCandidate) }),
        description: 'the candidates, likeliest first',
      },
      errors: { 403: 'the incident lies outside the scope', 404: 'no incident with that id' },
    },
    async (req, res) => {
      res
        .set('Cache-Control', 'no-store')
        .json({ candidates: await deps.incidents.merging.candidates(ctxOf(req), id(req.params.id)) });
    },
  );
}
