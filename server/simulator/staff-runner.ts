/**
 * The demo's simulated staff (issue 15): the people of a real shift, working a share of the
 * incidents through the public API at a person's pace (times `pace`), so queues drain, SLAs are
 * mostly met and some breach, and units go busy and free:
 * - dispatchers (each district's demo dispatcher, the city's where a district has none) open the
 *   unhandled alarms and make incidents of some, acknowledge or mark false others, leave some to
 *   expire; accept incidents and dispatch the proposal's nearest units;
 * - each unit (its demo field account) accepts or now and then declines, drives there (the demo's
 *   unit motion moves it; `arrived` in staff-plan.ts), reports arrival and resolves;
 * - a grid worker of the street verifies (网格验收), or the centre where the street has none;
 * - citizens report by QR code now and then and rate the result (群众评单); the centre closes the rest.
 * Which, and how fast, is staff-plan.ts. It never throws: a failed step is retried a little later,
 * a 409 (someone else acted, or a stale version) re-reads the incident.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { alarmSyncReply, alarmView, type AlarmView } from '@shared/alarms';
import {
  citizenReportReply,
  dispatchProposal,
  incidentDetail,
  incidentPage,
  unitLive,
  type IncidentView,
} from '@shared/incidents';
import type { LonLat } from '@shared/world';
import { Rng } from '@server/demo/random';
import { NoAccountError, StaffClient, StaffHttpError, type OpenSession } from './staff-client';
import {
  alarmMove,
  arrived,
  CITIZEN_REPORTS,
  declines,
  ratingOf,
  stepDelayMs,
  stepsFor,
  unitsToSend,
  worksOn,
  type Step,
} from './staff-plan';

export interface StaffOptions {
  baseUrl: string;
  /** Opens a session for a demo account (main.ts: AuthService.demoSession). */
  open: OpenSession;
  /** Units by id: their kind and home region (grid workers verify in their street). */
  roster: readonly { id: string; kind: string; homeRegionCode: string }[];
  /** Where citizens stand when they report (grid centres). */
  places: readonly LonLat[];
  log: Logger;
  /** 1: a person's pace; 0.01: a hundred times faster (tests). */
  pace?: number;
  seed?: number;
  /** Tick, ms (default 1,000); the API is read every `pollMs` (default 5,000). */
  tickMs?: number;
  pollMs?: number;
  /** Citizens' reports per hour of real time (default 4). */
  citizenPerHour?: number;
  /** Shares of incidents worked by priority, of dispatches declined (staff-plan.ts defaults). */
  workShare?: Record<1 | 2 | 3 | 4, number>;
  declineShare?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface StaffStats {
  alarms: number;
  incidentsMade: number;
  steps: Partial<Record<string, number>>;
  reports: number;
  failed: number;
}

export interface Staff {
  stop(): Promise<void>;
  readonly stats: StaffStats;
}

const CITY_DISPATCHER = 'dispatcher';
const MAX_STEPS_PER_TICK = 40;
const WARN_EVERY_MS = 60_000;
const unitsReply = z.object({ units: z.array(unitLive) });

export function startStaff(o: StaffOptions): Staff {
  const log = o.log.child({ component: 'staff' });
  const now = o.now ?? Date.now;
  const pace = o.pace ?? 1;
  const seed = o.seed ?? 1;
  const tickMs = Math.max(10, o.tickMs ?? 1_000);
  const pollMs = Math.max(tickMs, o.pollMs ?? 5_000);
  const rng = Rng.fromSeed(seed).fork('staff');
  const abort = new AbortController();
  const api = new StaffClient({
    baseUrl: o.baseUrl,
    open: o.open,
    timeoutMs: o.requestTimeoutMs ?? 10_000,
    signal: abort.signal,
    fetch: o.fetch ?? fetch,
  });
  const roster = new Map(o.roster.map((u) => [u.id, u]));
  const gridWorkers = o.roster.filter((u) => u.kind === 'grid_worker');
  const stats: StaffStats = { alarms: 0, incidentsMade: 0, steps: {}, reports: 0, failed: 0 };

  const incidents = new Map<string, IncidentView>();
  const alarms = new Map<string, AlarmView>();
  let alarmRev: number | null = null;
  /** Steps waiting for their time, by key (incident|kind|unit, or alarm|id). */
  const due = new Map<string, { at: number; run: () => Promise<void> }>();
  /** Units on their way: since when, and their ETA from the proposal. */
  const travel = new Map<string, { since: number; etaMin: number }>();
  const eta = new Map<string, number>();
  /** Reports our citizens made: incident code → tracking code (never logged: it is the citizen's key). */
  const tracking = new Map<string, string>();
  /** Units and districts without a demo account: never sent for, acted for by the city. */
  const unmanned = new Set<string>();
  const noDispatcher = new Set<string>();
  let nextPoll = 0;
  let nextReport = now() + nextReportIn();

  const lastWarn = new Map<string, number>();
  const warn = (kind: string, err: unknown, msg: string) => {
    const t = now();
    if (t - (lastWarn.get(kind) ?? -Infinity) < WARN_EVERY_MS) return;
    lastWarn.set(kind, t);
    log.warn({ err }, msg);
  };
  const count = (step: string) => (stats.steps[step] = (stats.steps[step] ?? 0) + 1);

  function nextReportIn(): number {
    const perHour = o.citizenPerHour ?? 4;
    return perHour > 0 ? (-Math.log(1 - rng.next()) / perHour) * 3_600_000 : Infinity;
  }
  const dispatcherFor = (gridCode: string) => {
    const d = `dispatcher-${gridCode.slice(0, 6)}`;
    return noDispatcher.has(d) ? CITY_DISPATCHER : d;
  };
  const unitUser = (unitId: string) => unitId.replace(/^unit-/, '');

  /** As `username`; a district without a demo dispatcher (the city's acts), or a unit without an account (never sent again), is remembered. */
  async function as<T>(username: string, unitId: string | null, f: (user: string) => Promise<T>): Promise<T> {
    try {
      return await f(username);
    } catch (e) {
      if (!(e instanceof NoAccountError)) throw e;
      if (unitId) unmanned.add(unitId);
      else if (username !== CITY_DISPATCHER) {
        noDispatcher.add(username);
        return f(CITY_DISPATCHER);
      }
      throw e;
    }
  }

  const act = async (i: IncidentView, user: string, unitId: string | null, body: Record<string, unknown>) => {
    const d = await as(user, unitId, (u) =>
      api.call(u, 'POST', `/incidents/${i.id}/actions`, incidentDetail, { ...body, version: i.version }),
    );
    incidents.set(d.incident.id, d.incident);
    count(String(body.action));
  };

  async function runStep(i: IncidentView, step: Step): Promise<void> {
    const centre = dispatcherFor(i.gridCode);
    const unit = step.unitId ?? null;
    switch (step.kind) {
      case 'accept':
        return act(i, centre, null, { action: 'accept' });
      case 'dispatch': {
        const p = await as(centre, null, (u) => api.call(u, 'GET', `/incidents/${i.id}/proposal`, dispatchProposal));
        const send = unitsToSend(
          i.priority,
          p.units.map((x) => x.unitId),
          unmanned,
        );
        // Nobody free near enough: the dispatcher looks again in a minute.
        if (send.length === 0) return schedule(`${i.id}|dispatch|`, 60_000 * pace, () => runStep(i, step));
        for (const x of p.units) eta.set(`${i.id}|${x.unitId}`, x.etaMin);
        return act(i, centre, null, { action: 'dispatch', unitIds: send });
      }
      case 'answer': {
        const no = declines(seed, i.id, unit!, o.declineShare);
        await act(i, unitUser(unit!), unit, {
          action: no ? 'unit_decline' : 'unit_accept',
          ...(no ? { note: '正在处置其他警情' } : {}),
        });
        if (!no) travel.set(`${i.id}|${unit}`, { since: now(), etaMin: eta.get(`${i.id}|${unit}`) ?? 10 });
        return;
      }
      case 'arrive':
        travel.delete(`${i.id}|${unit}`);
        return act(i, unitUser(unit!), unit, { action: 'arrive' });
      case 'resolve':
        return act(i, unitUser(unit!), unit, { action: 'resolve', note: '已到场处置完毕' });
      case 'verify': {
        // A grid worker of the street who did not work on it checks the result; else the centre.
        const worked = new Set(i.assignments.map((a) => a.unitId));
        const free = (u: { id: string }) => !worked.has(u.id) && !unmanned.has(u.id);
        const gw =
          gridWorkers.find((u) => u.homeRegionCode === i.gridCode && free(u)) ??
          gridWorkers.find((u) => i.gridCode.startsWith(u.homeRegionCode.slice(0, 9)) && free(u));
        if (gw) {
          try {
            return await act(i, unitUser(gw.id), gw.id, { action: 'verify', note: '网格员现场验收合格' });
          } catch (e) {
            if (!(e instanceof StaffHttpError) || e.status !== 403) throw e;
          }
        }
        return act(i, centre, null, { action: 'verify', note: '中心回访核实' });
      }
      case 'rate': {
        const code = tracking.get(i.code)!;
        const score = ratingOf(seed, i.id);
        await api.post(null, `/public/reports/${encodeURIComponent(code)}/rating`, {
          score,
          comment: score >= 4 ? '处理及时，满意' : '处理一般',
        });
        tracking.delete(i.code);
        count('rate');
        return;
      }
      case 'close':
        return act(i, centre, null, { action: 'close' });
      case 'alarm':
      case 'report':
        return; // not steps on an incident (their delays only)
    }
  }

  function schedule(key: string, inMs: number, run: () => Promise<void>): void {
    due.set(key, { at: now() + inMs, run });
  }

  /** The steps open now on every incident the staff work: new ones get their time; gone ones are dropped. */
  function plan(): void {
    const wanted = new Set<string>();
    for (const i of incidents.values()) {
      if (!worksOn(seed, i, o.workShare)) continue;
      for (const step of stepsFor(i, tracking.has(i.code))) {
        const key = `${i.id}|${step.kind}|${step.unitId ?? ''}`;
        wanted.add(key);
        if (step.kind === 'arrive') {
          const k = `${i.id}|${step.unitId}`;
          if (!travel.has(k)) travel.set(k, { since: now(), etaMin: eta.get(k) ?? 10 });
          continue;
        }
        if (!due.has(key))
          schedule(key, stepDelayMs(step.kind, i.priority, rng, pace), () => runStep(incidents.get(i.id) ?? i, step));
      }
    }
    for (const a of alarms.values()) {
      const key = `alarm|${a.id}`;
      wanted.add(key);
      if (!due.has(key)) schedule(key, stepDelayMs('alarm', a.priority, rng, pace), () => handleAlarm(a));
    }
    for (const key of due.keys()) if (!wanted.has(key)) due.delete(key);
    for (const k of travel.keys()) if (!wanted.has(`${k.split('|')[0]}|arrive|${k.split('|')[1]}`)) travel.delete(k);
  }

  async function handleAlarm(a: AlarmView): Promise<void> {
    alarms.delete(a.id);
    const move = alarmMove(seed, a);
    if (move === 'leave') return;
    const centre = dispatcherFor(a.gridCode);
    if (move === 'incident') {
      const d = await as(centre, null, (u) => api.call(u, 'POST', `/incidents/from-alarm/${a.id}`, incidentDetail));
      incidents.set(d.incident.id, d.incident);
      if (!a.incidentId) stats.incidentsMade++; // else handed to the incident it has
    } else {
      await as(centre, null, (u) => api.call(u, 'POST', `/alarms/${a.id}/actions`, alarmView, { action: move }));
    }
    stats.alarms++;
  }

  async function poll(): Promise<void> {
    for (let more = true; more;) {
      const r = await api.call(
        CITY_DISPATCHER,
        'GET',
        `/alarms${alarmRev === null ? '' : `?since=${alarmRev}`}`,
        alarmSyncReply,
      );
      if (r.mode === 'snapshot') alarms.clear();
      for (const a of r.alarms) {
        if (a.status === 'new') alarms.set(a.id, a);
        else alarms.delete(a.id);
      }
      alarmRev = r.rev;
      more = r.more === true;
    }
    const page = await api.call(CITY_DISPATCHER, 'GET', '/incidents?status=open&sort=newest&limit=500', incidentPage);
    incidents.clear();
    for (const i of page.incidents) incidents.set(i.id, i);
  }

  /** Units on their way that are there now report it at once. */
  async function arrivals(): Promise<void> {
    if (travel.size === 0) return;
    const { units } = await api.call(CITY_DISPATCHER, 'GET', '/units', unitsReply);
    const where = new Map(units.map((u) => [u.id, u.position]));
    const t = now();
    for (const [k, tr] of travel) {
      const [incidentId, unitId] = k.split('|') as [string, string];
      const i = incidents.get(incidentId);
      if (!i || !arrived(where.get(unitId), i.position, tr.since, t, tr.etaMin, pace)) continue;
      schedule(`${incidentId}|arrive|${unitId}`, 0, () =>
        runStep(incidents.get(incidentId) ?? i, { kind: 'arrive', unitId }),
      );
    }
  }

  async function report(): Promise<void> {
    if (o.places.length === 0) return;
    const what = rng.pick(CITIZEN_REPORTS);
    const [lon, lat] = rng.pick(o.places);
    const r = await api.call(null, 'POST', '/public/reports', citizenReportReply, {
      category: what.category,
      description: what.description,
      location: { lon, lat },
    });
    tracking.set(r.code, r.trackingCode);
    stats.reports++;
  }

  async function tick(): Promise<void> {
    const t = now();
    try {
      if (t >= nextPoll) {
        nextPoll = t + pollMs;
        await poll();
        await arrivals();
      }
      if (t >= nextReport) {
        nextReport = t + nextReportIn();
        await report();
      }
      plan();
    } catch (e) {
      stats.failed++;
      if (!abort.signal.aborted) warn('poll', e, `staff: reading the hub failed: ${(e as Error).message}`);
      return;
    }
    const ready = [...due].filter(([, d]) => d.at <= t).sort((a, b) => a[1].at - b[1].at);
    for (const [key, d] of ready.slice(0, MAX_STEPS_PER_TICK)) {
      if (abort.signal.aborted) return;
      due.delete(key);
      try {
        await d.run();
      } catch (e) {
        if (abort.signal.aborted) return;
        stats.failed++;
        // 409: someone else acted or the version moved on; the next poll shows where it stands.
        if (e instanceof StaffHttpError && e.status === 409) nextPoll = 0;
        else {
          warn(`step ${key.split('|')[1]}`, e, `staff: a step failed: ${(e as Error).message}`);
          schedule(key, 30_000 * pace, d.run);
        }
      }
    }
  }

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | null = null;
  const loop = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      const started = now();
      current = tick().finally(() => {
        current = null;
        loop(Math.max(0, tickMs - (now() - started)));
      });
    }, delay);
    timer.unref?.();
  };
  log.info({ pace, units: roster.size, citizenPerHour: o.citizenPerHour ?? 4 }, 'staff: started');
  loop(tickMs);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      if (current) await current.catch(() => undefined);
      log.info({ ...stats }, 'staff: stopped');
    },
    get stats() {
      return { ...stats, steps: { ...stats.steps } };
    },
  };
}
