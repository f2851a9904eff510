/** Administration: users, device keys, wall tokens, the audit log, dead letters (rules in admin.service.ts, dead-letter.service.ts). */
import { auditQuery, createCredentialBody, createUserBody, updateUserBody } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { HttpError, parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { AdminService, CredentialKind } from '../services/admin.service';
import type { AuditService } from '../services/audit.service';
import type { DeadLetterService } from '../services/dead-letter.service';
import { deadLetterQuery } from '@shared/dead-letters';
import type { AuthContext } from '../auth/context';
import { scopePrefix } from '@shared/auth';

export function adminRoutes(
  api: ApiRoutes,
  deps: { admin: AdminService; audit: AuditService; deadLetters: DeadLetterService },
): void {
  const manage = { action: 'admin:manage' } as const;

  api.add('get', '/admin/users', manage, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ users: await deps.admin.listUsers(ctxOf(req)) });
  });
  // The units a field account may belong to (the user form's unit picker).
  api.add('get', '/admin/units', manage, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ units: await deps.admin.linkableUnits(ctxOf(req)) });
  });
  api.add('post', '/admin/users', manage, async (req, res) => {
    const body = parseInput(createUserBody, req.body, 'body');
    res.status(201).json(await deps.admin.createUser(ctxOf(req), body, requestMeta(req)));
  });
  api.add('patch', '/admin/users/:id', manage, async (req, res) => {
    const body = parseInput(updateUserBody, req.body, 'body');
    res.json(await deps.admin.updateUser(ctxOf(req), String(req.params.id), body, requestMeta(req)));
  });
  api.add('delete', '/admin/users/:id/sessions', manage, async (req, res) => {
    await deps.admin.endUserSessions(ctxOf(req), String(req.params.id), requestMeta(req));
    res.status(204).end();
  });

  const credentialRoutes = (kind: CredentialKind, base: string) => {
    api.add('get', base, manage, async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ items: await deps.admin.listCredentials(ctxOf(req), kind) });
    });
    api.add('post', base, manage, async (req, res) => {
      const body = parseInput(createCredentialBody, req.body, 'body');
      res
        .status(201)
        .set('Cache-Control', 'no-store')
        .json(await deps.admin.createCredential(ctxOf(req), kind, body, requestMeta(req)));
    });
    api.add('delete', `${base}/:id`, manage, async (req, res) => {
      await deps.admin.revokeCredential(ctxOf(req), kind, String(req.params.id), requestMeta(req));
      res.status(204).end();
    });
  };
  credentialRoutes('device', '/admin/device-keys');
  credentialRoutes('wall', '/admin/wall-tokens');

  const audit = { action: 'audit:read' } as const;
  api.add('get', '/admin/audit', audit, async (req, res) => {
    cityWide(ctxOf(req));
    const q = parseInput(auditQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.audit.search(q));
  });
  api.add('get', '/admin/audit/verify', audit, async (req, res) => {
    cityWide(ctxOf(req));
    res.set('Cache-Control', 'no-store').json(await deps.audit.verify());
  });

  // Messages acknowledged but never stored (issue 13): newest first, `before` pages back.
  api.add('get', '/admin/dead-letters', manage, async (req, res) => {
    const q = parseInput(deadLetterQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.deadLetters.list(ctxOf(req), q));
  });
}

/** The audit log records the whole city's actions: only a city-wide (or wider) account reads it. */
function cityWide(ctx: AuthContext): void {
  if (scopePrefix(ctx.principal.scope).length > 4) {
    throw new HttpError(
      403,
      ErrorCode.AuthForbidden,
      `the audit log covers the whole city; scope ${ctx.principal.scope} is narrower`,
    );
  }
}
