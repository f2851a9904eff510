/** Alarms over HTTP (rules in alarm.service.ts): catch up, and acknowledge or mark false. */
import { z } from 'zod';
import { alarmActionBody } from '@shared/alarms';
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
  api.add('get', '/alarms', { action: 'alarm:read' }, async (req, res) => {
    const q = parseInput(syncQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.alarms.sync(ctxOf(req).principal, q.since ?? null));
  });
  api.add('get', '/rules', { action: 'admin:manage' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ rules: await deps.alarms.listRules(ctxOf(req)) });
  });
  api.add('put', '/rules/:id', { action: 'admin:manage' }, async (req, res) => {
    const rule = parseInput(ruleSchema, req.body, 'body');
    res.json(await deps.alarms.putRule(ctxOf(req), String(req.params.id), rule, requestMeta(req)));
  });
  api.add('post', '/alarms/:id/actions', { action: 'alarm:handle' }, async (req, res) => {
    const body = parseInput(alarmActionBody, req.body, 'body');
    res.json(await deps.alarms.handle(ctxOf(req), String(req.params.id), body.action, requestMeta(req)));
  });
}
