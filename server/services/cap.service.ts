/**
 * CAP out (issue 18): the caller's scope's alarms and incidents as OASIS CAP 1.2 messages, and the
 * Atom index of the current ones, for other agencies' systems (integration keys) and every reading
 * role. One job: read through the repositories, map with shared/cap.ts (which holds the rules and
 * the writers), nothing written.
 *
 * What we decided:
 * - Sender: `city-command@<city code>` (the city's GB/T 2260 code from the world tables: stable for
 *   the deployment, and other agencies know the code), or `options.sender` when the composition root
 *   configures one; senderName `<city name>城市指挥中心`. Read once.
 * - Out of scope is 404, exactly as an unknown id (same status, code and message): a foreign agency
 *   learns nothing of objects beyond its region. The object's region is checked with the policy's
 *   per-object decision (`decide(principal, 'cap:read', gridCode)`) before anything else of it is read.
 * - The feed: open alarms (new, acknowledged) and incidents (not closed, merged or cancelled), plus
 *   those that ended in the last 24 h (their Cancel or final Update), newest message first, at most
 *   500; each entry's id is `urn:uuid:<object id>` (ids are random UUIDs: permanent per object, and
 *   the entry's `updated` moves with each new message); the feed's id a name-based UUID of the sender
 *   and the caller's scope (scopes see different feeds at one URL).
 * - Area: district and grid names (cached: the city's regions do not change while a hub runs); an
 *   alarm in a zone takes the zone's circle or polygon (one read of its shape); otherwise a point.
 */
import { createHash } from 'node:crypto';
import type { AlarmRepository, AlarmRow } from '../repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '../repositories/incident.repository';
import type { WorldRepository } from '../repositories/world.repository';
import type { ZoneRepository } from '../repositories/zone.repository';
import type { Clock } from '../core/clock';
import { authorize, decide, scopeFilter, type Principal } from '../auth/policy';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import {
  ALARM_STATUS_ZH,
  CAP_ENDED_KEEP_MS,
  CAP_FEED_LIMIT,
  CAP_HEADLINE_MAX,
  INCIDENT_STATUS_ZH,
  alarmMessage,
  atomFeed,
  capAlert,
  clip,
  incidentMessage,
  type AtomEntryInput,
  type CapAlarmFacts,
  type CapAlertInput,
  type CapHub,
  type CapIncidentFacts,
  type CapPlace,
} from '@shared/cap';
import type { EventType } from '@shared/ingest';
import type { RiskCategory } from '@shared/incident-categories';

/** Where the feed's links point (the route knows the URLs the caller reached it by). */
export interface CapLinks {
  self: string;
  alarm(id: string): string;
  incident(id: string): string;
}

const isId = (s: string): boolean => /^[0-9a-f-]{36}$/i.test(s);
const MSG_TYPE_ZH = { Alert: '首发', Update: '更新', Cancel: '撤销' } as const;

export class CapService {
  private hub: Promise<CapHub> | null = null;
  private readonly names = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly alarms: Pick<AlarmRepository, 'byId' | 'current'>,
    private readonly incidents: Pick<IncidentRepository, 'byId' | 'current'>,
    private readonly world: Pick<WorldRepository, 'city' | 'regionName'>,
    private readonly zones: Pick<ZoneRepository, 'shape'>,
    private readonly clock: Clock,
    private readonly options: { sender?: string } = {},
  ) {}

  /** One alarm's current message (404 when there is none or it lies outside the scope). */
  async alarm(principal: Principal, id: string): Promise<string> {
    authorize(principal, 'cap:read');
    const row = isId(id) ? await this.alarms.byId(id) : undefined;
    if (!row || !decide(principal, 'cap:read', row.gridCode).allow)
      throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(id)}`);
    const place: CapPlace = { areaDesc: await this.areaDesc(row.gridCode), zone: await this.zoneOf(row.zoneId) };
    return capAlert(alarmMessage(alarmFacts(row), await this.sender(), place));
  }

  /** One incident's current message (404 when there is none or it lies outside the scope). */
  async incident(principal: Principal, id: string): Promise<string> {
    authorize(principal, 'cap:read');
    const row = isId(id) ? await this.incidents.byId(id) : undefined;
    if (!row || !decide(principal, 'cap:read', row.gridCode).allow)
      throw new HttpError(404, ErrorCode.IncidentNotFound, `no incident with id ${JSON.stringify(id)}`);
    const place: CapPlace = { areaDesc: await this.areaDesc(row.gridCode) };
    return capAlert(incidentMessage(incidentFacts(row), await this.sender(), place));
  }

  /** The Atom index of the scope's current messages. */
  async feed(principal: Principal, links: CapLinks): Promise<string> {
    authorize(principal, 'cap:read');
    const prefix = scopeFilter(principal.scope);
    const now = this.clock.now();
    const since = new Date(now - CAP_ENDED_KEEP_MS);
    const [alarms, incidents, hub, scopeName] = await Promise.all([
      this.alarms.current(prefix, since, CAP_FEED_LIMIT),
      this.incidents.current(prefix, since, CAP_FEED_LIMIT),
      this.sender(),
      this.regionName(principal.scope),
    ]);
    const entries = [
      ...alarms.map((r) => {
        const m = alarmMessage(alarmFacts(r), hub, null);
        return { m, entry: entry(r.id, m, ALARM_STATUS_ZH[r.status], links.alarm(r.id)) };
      }),
      ...incidents.map((r) => {
        const m = incidentMessage(incidentFacts(r), hub, null);
        return { m, entry: entry(r.id, m, INCIDENT_STATUS_ZH[r.status], links.incident(r.id)) };
      }),
    ]
      .sort((a, b) => b.m.sent - a.m.sent || (a.m.identifier < b.m.identifier ? -1 : 1))
      .slice(0, CAP_FEED_LIMIT)
      .map((e) => e.entry);
    return atomFeed({
      id: `urn:uuid:${nameUuid(`${hub.sender}|cap-feed|${principal.scope}`)}`,
      title: `${hub.senderName}：${scopeName ?? principal.scope}当前预警与事件（CAP 1.2）`,
      updated: entries.length ? Math.max(...entries.map((e) => e.updated)) : now,
      author: { name: hub.senderName },
      selfHref: links.self,
      entries,
    });
  }

  private sender(): Promise<CapHub> {
    const p = (this.hub ??= this.world.city().then((c) => ({
      sender: this.options.sender ?? `city-command@${c?.code ?? '000000'}`,
      senderName: `${c?.name ?? ''}城市指挥中心`,
    })));
    p.catch(() => {
      if (this.hub === p) this.hub = null;
    });
    return p;
  }

  private regionName(code: string): Promise<string | undefined> {
    let p = this.names.get(code);
    if (!p) {
      p = this.world.regionName(code);
      this.names.set(code, p);
      p.catch(() => this.names.delete(code));
    }
    return p;
  }

  /** The district's and the grid's names (the codes when a name is missing). */
  private async areaDesc(gridCode: string): Promise<string> {
    const district = gridCode.slice(0, 6);
    const [d, g] = await Promise.all([this.regionName(district), this.regionName(gridCode)]);
    return gridCode === district ? (d ?? district) : `${d ?? district} ${g ?? gridCode}`;
  }

  private async zoneOf(zoneId: string | null): Promise<CapPlace['zone']> {
    if (!zoneId) return null;
    const shape = await this.zones.shape(zoneId);
    if (shape?.type === 'circle') return { center: shape.center, radiusM: shape.radiusM };
    if (shape?.type === 'polygon' && shape.polygon[0]) return { polygon: shape.polygon[0] };
    return null; // a corridor (a fence line), or a zone since removed: the alarm's point
  }
}

function entry(id: string, m: CapAlertInput, statusZh: string, href: string): AtomEntryInput {
  return {
    id: `urn:uuid:${id.toLowerCase()}`,
    title: clip(m.info.headline, CAP_HEADLINE_MAX),
    updated: m.sent,
    summary: `${MSG_TYPE_ZH[m.msgType]}（${statusZh}）：${m.info.description.split('\n')[0] ?? ''}`,
    href,
  };
}

export function alarmFacts(r: AlarmRow): CapAlarmFacts {
  return {
    id: r.id,
    rev: r.rev,
    status: r.status,
    priority: r.priority,
    eventType: r.eventType as EventType,
    eventAt: r.eventAt.getTime(),
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    zoneName: r.zoneName,
    count: r.count,
    lastAt: r.lastAt.getTime(),
    expiresAt: r.expiresAt?.getTime() ?? null,
    incidentId: r.incidentId,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  };
}

export function incidentFacts(r: IncidentRow): CapIncidentFacts {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    status: r.status,
    category: r.category as RiskCategory,
    priority: r.priority,
    title: r.title,
    description: r.description,
    address: r.address,
    department: r.department,
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    mergedInto: r.mergedInto,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  };
}

/** A name-based UUID (RFC 9562 version 5 layout, SHA-1 of the name). */
function nameUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
