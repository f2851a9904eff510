/**
 * Incidents over HTTP (rules in services/incidents/): the desk's list and detail, creating (also
 * from an alarm), acting through the machine, attaching an alarm, mediations, dispatch proposals
 * and merge candidates. The SLA policy, the field page, photos, citizens and QR codes have route
 * files of their own.
 */
import { z, type ZodType } from 'zod';
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
import type { AuthContext, RequestMeta } from '../auth/context';
import { ctxOf, requestMeta, type Access, type ApiRoutes, type RouteDoc } from '../http/auth';
import type { IncidentServices } from '../services/incidents';

const attachBody = z.strictObject({
  alarmId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64),
  version: z.number({ error: 'must be the version you saw (a number)' }).int().min(1),
});

const READ = { action: 'incident:read' } as const;
const DISPATCH = { action: 'incident:dispatch' } as const;
/** What a route on one incident answers when it is not the caller's to see, or not there. */
const ONE_INCIDENT = { 403: 'the incident lies outside the scope', 404: 'no incident with that id' } as const;

export function incidentRoutes(api: ApiRoutes, deps: { incidents: IncidentServices }): void {
  const id = (p: unknown) => String(p);

  /** A read of one incident (`:id`): never cached, it changes by the second. */
  const readOne = (path: string, doc: RouteDoc, read: (ctx: AuthContext, id: string) => Promise<unknown>) =>
    api.add('get', path, READ, doc, async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await read(ctxOf(req), id(req.params.id)));
    });

  /** A change to one incident (`:id`) by a JSON body, answered with the incident after it. */
  const change = <B extends ZodType>(
    path: string,
    access: Access,
    doc: RouteDoc & { body: B },
    run: (ctx: AuthContext, id: string, body: z.infer<B>, meta: RequestMeta) => Promise<unknown>,
  ) =>
    api.add('post', path, access, doc, async (req, res) => {
      const body = parseInput(doc.body, req.body, 'body');
      res.json(await run(ctxOf(req), id(req.params.id), body, requestMeta(req)));
    });

  api.add(
    'get',
    '/incidents',
    READ,
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
    DISPATCH,
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
  readOne(
    '/incidents/:id',
    {
      summary: 'One incident: its state, timeline, units, alarms, SLA clocks (personal data masked).',
      reply: { status: 200, schema: incidentDetail, description: 'the incident' },
      errors: ONE_INCIDENT,
    },
    (ctx, incident) => deps.incidents.read.detail(ctx, incident),
  );
  change(
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
    (ctx, incident, body, meta) => deps.incidents.commands.act(ctx, incident, body, meta),
  );
  change(
    '/incidents/:id/alarms',
    DISPATCH,
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
    (ctx, incident, body, meta) => deps.incidents.commands.attachAlarm(ctx, incident, body.alarmId, body.version, meta),
  );
  change(
    '/incidents/:id/mediations',
    DISPATCH,
    {
      summary: 'Record a mediation of a dispute incident (parties, outcome); audited.',
      body: mediationBody,
      reply: { status: 200, schema: incidentDetail, description: 'the incident with the mediation' },
      errors: { ...ONE_INCIDENT, 409: 'not a dispute, the incident is closed, or a stale version' },
    },
    (ctx, incident, body, meta) => deps.incidents.disputes.mediate(ctx, incident, body, meta),
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
        404: ONE_INCIDENT[404],
      },
    },
    async (req, res) => {
      const body = parseInput(revealBody, req.body, 'body');
      res
        .set('Cache-Control', 'no-store')
        .json(await deps.incidents.personalData.reveal(ctxOf(req), id(req.params.id), body, requestMeta(req)));
    },
  );
  readOne(
    '/incidents/:id/proposal',
    {
      summary: 'The units proposed for the incident: the nearest available by the ETA model, ranked.',
      reply: { status: 200, schema: dispatchProposal, description: 'the ranked units with their ETAs' },
      errors: ONE_INCIDENT,
    },
    (ctx, incident) => deps.incidents.dispatch.proposal(ctx, incident),
  );
  readOne(
    '/incidents/:id/merge-candidates',
    {
      summary: 'Open incidents of the scope that may be the same as this one (near in place and time, same category).',
      reply: {
        status: 200,
        schema: z.object({ candidates: z.array(mergeCandidate) }),
        description: 'the candidates, likeliest first',
      },
      errors: ONE_INCIDENT,
    },
    async (ctx, incident) => ({ candidates: await deps.incidents.merging.candidates(ctx, incident) }),
  );
}
