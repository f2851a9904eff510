/** Alarms over HTTP (rules in alarm.service.ts): catch up, and acknowledge or mark false. */
import { z } from 'zod';
import { alarmActionBody, alarmSyncReply, alarmView } from '@shared/alarms';
import { ruleSchema } from '@shared/rules';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { AlarmService } from '../services/alarm.service';

const syncQuery = z.strictObject({
  since: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .optional(),
});

export function alarmRoutes(api: ApiRoutes, deps: { alarms: AlarmService }): void {
  // The same answer as the socket's alarm:sync: for screens and tools without a socket.
  api.add(
    'get',
    '/alarms',
    { action: 'alarm:read' },
    {
      summary:
        'What changed in the caller’s scope since ?since=<rev>, or a snapshot of the open alarms (as the socket’s alarm:sync).',
      query: syncQuery,
      reply: {
        status: 200,
        schema: alarmSyncReply,
        description: 'a delta after `since`, or a snapshot when it is absent or too old',
      },
    },
    async (req, res) => {
      const q = parseInput(syncQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.alarms.sync(ctxOf(req).principal, q.since ?? null));
    },
  );
  api.add(
    'get',
    '/rules',
    { action: 'admin:manage' },
    {
      summary: 'The alarm rules (event → alarm).',
      tags: ['alarms'],
      reply: { status: 200, schema: z.object({ rules: z.array(ruleSchema) }), description: 'every rule' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ rules: await deps.alarms.listRules(ctxOf(req)) });
    },
  );
  api.add(
    'put',
    '/rules/:id',
    { action: 'admin:manage' },
    {
      summary: 'Create or replace an alarm rule (city-wide admins; audited).',
      description:
        'foldMinutes folds repeats in one zone or from one device into the open alarm; expireMinutes closes unhandled alarms (not for priority 1).',
      tags: ['alarms'],
      body: ruleSchema,
      reply: { status: 200, schema: ruleSchema, description: 'the rule as stored' },
      errors: {
        400: 'body.id other than the path’s id, a zone id or region code that does not exist (named, e.g. body.zoneIds.0)',
        403: 'a scope narrower than the city (rules apply to the whole city)',
      },
    },
    async (req, res) => {
      const rule = parseInput(ruleSchema, req.body, 'body');
      res.json(await deps.alarms.putRule(ctxOf(req), String(req.params.id), rule, requestMeta(req)));
    },
  );
  api.add(
    'post',
    '/alarms/:id/actions',
    { action: 'alarm:handle' },
    {
      summary: 'Acknowledge an alarm, or mark it false (audited).',
      body: alarmActionBody,
      reply: { status: 200, schema: alarmView, description: 'the alarm with its new rev' },
      errors: {
        403: 'the alarm lies outside the scope',
        404: 'no alarm with that id',
        409: 'the alarm is past that state already',
      },
    },
    async (req, res) => {
      const body = parseInput(alarmActionBody, req.body, 'body');
      res.json(await deps.alarms.handle(ctxOf(req), String(req.params.id), body.action, requestMeta(req)));
    },
  );
}
