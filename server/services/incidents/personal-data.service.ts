/**
 * Revealing one piece of an incident's personal data (issue 15): every screen gets ID numbers and
 * phones masked (incident-view.ts); a person whose role may see the field (shared/personal-data.ts)
 * asks for it explicitly, for one incident in their scope, and the audit log records who asked
 * for what of which incident, whether it was given or refused, and never the value itself.
 */
import type { AuthContext, RequestMeta } from '@server/auth/context';
import type { IncidentRow } from '@server/repositories/incident.repository';
import type { AuditService } from '../audit.service';
import type { IncidentAccess } from './incident-access';
import type { IncidentReadService } from './incident-read.service';
import { actorOf } from '@server/auth/context';
import { authorize } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { ErrorCode } from '@shared/errors';
import { mayReveal, type RevealBody, type RevealReply } from '@shared/personal-data';

export class PersonalDataService {
  constructor(
    private readonly reader: IncidentReadService,
    private readonly access: IncidentAccess,
    private readonly audit: AuditService,
  ) {}

  async reveal(ctx: AuthContext, id: string, body: RevealBody, meta: RequestMeta): Promise<RevealReply> {
    authorize(ctx.principal, 'incident:reveal');
    // In scope first (403 naming only the id given, as every incident read), then anything else.
    const row = await this.reader.found(id, (r) => this.access.check(ctx, r, 'incident:reveal', `incident ${id}`));
    const what = { code: row.code, field: body.field, ...(body.party !== undefined ? { party: body.party } : {}) };
    const record = (outcome: 'ok' | 'denied') =>
      this.audit.record({
        actor: actorOf(ctx),
        actorName: ctx.name,
        action: 'incident.reveal',
        target: `incident:${row.id}`,
        address: meta.address,
        outcome,
        details: what,
      });
    if (!mayReveal(ctx.principal.role, body.field)) {
      await record('denied');
      throw new HttpError(403, ErrorCode.AuthForbidden, `role ${ctx.principal.role} may not reveal ${body.field}`);
    }
    const value = valueOf(row, body);
    await record('ok');
    return { field: body.field, party: body.party ?? null, value };
  }
}

/** The stored value asked for (400 naming the field when the incident has none). */
function valueOf(row: IncidentRow, body: RevealBody): string {
  if (body.field === 'reporterPhone') {
    const phone = row.reporter?.phone;
    if (!phone) throw none('body.field', 'the incident has no reporter phone');
    return phone;
  }
  const parties = row.dispute?.parties ?? [];
  const party = parties[body.party ?? -1];
  if (!party) throw none('body.party', `the incident has ${parties.length} part${parties.length === 1 ? 'y' : 'ies'}`);
  if (!party.idKey) throw none('body.party', 'this party has no ID number or phone');
  return party.idKey;
}

function none(path: string, message: string): HttpError {
  return new HttpError(400, ErrorCode.RequestInvalid, `${path}: ${message}`, { issues: [{ path, message }] });
}
