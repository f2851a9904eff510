/** Administration: users, device keys, wall tokens, the audit log, dead letters (rules in admin.service.ts, dead-letter.service.ts). */
import {
  adminUnitList,
  auditPage,
  auditQuery,
  auditVerify,
  createCredentialBody,
  createdCredential,
  createUserBody,
  credentialList,
  updateUserBody,
  userList,
  userView,
} from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { HttpError, parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { AdminService, CredentialKind } from '../services/admin.service';
import type { AuditService } from '../services/audit.service';
import type { DeadLetterService } from '../services/dead-letter.service';
import { deadLetterPage, deadLetterQuery } from '@shared/dead-letters';
import type { AuthContext } from '../auth/context';
import { scopePrefix } from '@shared/auth';

export function adminRoutes(
  api: ApiRoutes,
  deps: { admin: AdminService; audit: AuditService; deadLetters: DeadLetterService },
): void {
  const manage = { action: 'admin:manage' } as const;

  api.add(
    'get',
    '/admin/users',
    manage,
    {
      summary: 'The user accounts inside the admin’s scope.',
      reply: { status: 200, schema: userList, description: 'the users (never a password or second-factor secret)' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ users: await deps.admin.listUsers(ctxOf(req)) });
    },
  );
  // The units a field account may belong to (the user form's unit picker).
  api.add(
    'get',
    '/admin/units',
    manage,
    {
      summary: 'The units inside the admin’s scope, to link a field account to (unitId in the user bodies).',
      reply: {
        status: 200,
        schema: adminUnitList,
        description: 'the units, with the field account already linked to each',
      },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ units: await deps.admin.linkableUnits(ctxOf(req)) });
    },
  );
  api.add(
    'post',
    '/admin/users',
    manage,
    {
      summary: 'Create a user account in the admin’s scope (audited).',
      description:
        'A field account names the unit whose phone it is (unitId: a unit inside the account’s scope with no other enabled field account).',
      body: createUserBody,
      reply: { status: 201, schema: userView, description: 'the user created' },
      errors: {
        400: 'a scope with no region, or a unitId that is unknown or outside the scope (named, e.g. body.unitId)',
        403: 'a scope outside the admin’s own',
        409: 'a user with that username exists already, or the unit has an enabled field account already',
      },
    },
    async (req, res) => {
      const body = parseInput(createUserBody, req.body, 'body');
      res.status(201).json(await deps.admin.createUser(ctxOf(req), body, requestMeta(req)));
    },
  );
  api.add(
    'patch',
    '/admin/users/:id',
    manage,
    {
      summary: 'Change a user: role, scope, unit, enabled, reset the password or second factor (audited).',
      body: updateUserBody,
      reply: { status: 200, schema: userView, description: 'the user as changed' },
      errors: {
        400: 'a scope with no region, or a unitId that is unknown or outside the scope (named)',
        403: 'the user, or the new scope, lies outside the admin’s scope',
        404: 'no user with that id',
        409: 'an admin disabling themselves or changing their own role or scope; the unit has another field account',
      },
    },
    async (req, res) => {
      const body = parseInput(updateUserBody, req.body, 'body');
      res.json(await deps.admin.updateUser(ctxOf(req), String(req.params.id), body, requestMeta(req)));
    },
  );
  api.add(
    'delete',
    '/admin/users/:id/sessions',
    manage,
    {
      summary: 'Sign a user out everywhere: end all their sessions now (audited).',
      reply: { status: 204, description: 'the sessions ended' },
      errors: { 403: 'the user lies outside the admin’s scope', 404: 'no user with that id' },
    },
    async (req, res) => {
      await deps.admin.endUserSessions(ctxOf(req), String(req.params.id), requestMeta(req));
      res.status(204).end();
    },
  );

  const credentialRoutes = (kind: CredentialKind, base: string) => {
    // 'device key', 'wall token', …: what the path names, for the docs.
    const noun = base.slice(base.lastIndexOf('/') + 1, -1).replace(/-/g, ' ');
    api.add(
      'get',
      base,
      manage,
      {
        summary: `The ${noun}s inside the admin’s scope.`,
        reply: { status: 200, schema: credentialList, description: `the ${noun}s, revoked ones too (never a secret)` },
      },
      async (req, res) => {
        res.set('Cache-Control', 'no-store').json({ items: await deps.admin.listCredentials(ctxOf(req), kind) });
      },
    );
    api.add(
      'post',
      base,
      manage,
      {
        summary: `Create a ${noun} (audited); its secret is in this reply only.`,
        body: createCredentialBody,
        reply: { status: 201, schema: createdCredential, description: `the ${noun} and its secret, shown once` },
        errors: { 400: 'a scope with no region (body.scope)', 403: 'a scope outside the admin’s own' },
      },
      async (req, res) => {
        const body = parseInput(createCredentialBody, req.body, 'body');
        res
          .status(201)
          .set('Cache-Control', 'no-store')
          .json(await deps.admin.createCredential(ctxOf(req), kind, body, requestMeta(req)));
      },
    );
    api.add(
      'delete',
      `${base}/:id`,
      manage,
      {
        summary: `Revoke a ${noun} now (audited); what it signed in ends.`,
        reply: { status: 204, description: 'revoked' },
        errors: { 403: `the ${noun} lies outside the admin’s scope`, 404: `no ${noun} with that id` },
      },
      async (req, res) => {
        await deps.admin.revokeCredential(ctxOf(req), kind, String(req.params.id), requestMeta(req));
        res.status(204).end();
      },
    );
  };
  credentialRoutes('device', '/admin/device-keys');
  credentialRoutes('wall', '/admin/wall-tokens');
  credentialRoutes('integration', '/admin/integration-keys');

  const audit = { action: 'audit:read' } as const;
  api.add(
    'get',
    '/admin/audit',
    audit,
    {
      summary: 'Search the audit log (newest first; `before` pages back).',
      query: auditQuery,
      reply: { status: 200, schema: auditPage, description: 'the records and the cursor of the next page' },
      errors: { 403: 'a scope narrower than the city (the log covers the whole city)' },
    },
    async (req, res) => {
      cityWide(ctxOf(req));
      const q = parseInput(auditQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.audit.search(q));
    },
  );
  api.add(
    'get',
    '/admin/audit/verify',
    audit,
    {
      summary: 'Check the audit log’s hash chain from its start: where an edit or a gap breaks it.',
      reply: { status: 200, schema: auditVerify, description: 'ok with the count checked, or the first broken record' },
      errors: { 403: 'a scope narrower than the city' },
    },
    async (req, res) => {
      cityWide(ctxOf(req));
      res.set('Cache-Control', 'no-store').json(await deps.audit.verify());
    },
  );

  // Messages acknowledged but never stored (issue 13): newest first, `before` pages back.
  api.add(
    'get',
    '/admin/dead-letters',
    manage,
    {
      summary: 'Messages acknowledged but never stored (issue 13), newest first; `before` pages back.',
      query: deadLetterQuery,
      reply: { status: 200, schema: deadLetterPage, description: 'the dead letters and the cursor of the next page' },
      errors: { 403: 'a scope narrower than the city (dead letters come from devices of the whole city)' },
    },
    async (req, res) => {
      const q = parseInput(deadLetterQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.deadLetters.list(ctxOf(req), q));
    },
  );
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
