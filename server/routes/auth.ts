/** Sign-in, the session, sign-out, one's own password and second factor (rules in auth.service.ts). */
import type { RequestHandler } from 'express';
import {
  loginBody,
  passwordChangeBody,
  sessionInfo,
  totpCodeBody,
  totpSetupReply,
  wallLoginBody,
  whoami,
} from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { clearSessionCookie, ctxOf, requestMeta, setSessionCookie, type ApiRoutes } from '../http/auth';
import type { AuthService } from '../services/auth.service';
import { HttpError } from '../core/http-errors';

export function authRoutes(api: ApiRoutes, deps: { auth: AuthService; loginLimit: RequestHandler }): void {
  const self = { action: 'session:self', duringMfaSetup: true } as const;
  const account = { action: 'account:self', duringMfaSetup: true } as const;

  api.add(
    'post',
    '/auth/login',
    'public',
    {
      summary: 'Sign in with username and password (and `otp` where the account has a second factor).',
      description:
        'The session is an httpOnly SameSite=Strict cookie; the reply carries the CSRF token later writes send.',
      body: loginBody,
      reply: { status: 200, schema: sessionInfo, description: 'the session, with its CSRF token' },
      errors: {
        401: 'auth/invalid-credentials: wrong username or password; auth/otp-required; auth/otp-invalid',
        429: 'auth/locked: too many failed sign-ins (Retry-After)',
      },
    },
    deps.loginLimit,
    async (req, res) => {
      const body = parseInput(loginBody, req.body, 'body');
      try {
        const { token, info } = await deps.auth.login(body, requestMeta(req));
        setSessionCookie(req, res, token);
        res.set('Cache-Control', 'no-store').json(info);
      } catch (e) {
        const retry =
          e instanceof HttpError ? (e.details as { retryAfterSec?: number } | undefined)?.retryAfterSec : undefined;
        if (retry) res.set('Retry-After', String(retry));
        throw e;
      }
    },
  );

  api.add(
    'post',
    '/auth/wall',
    'public',
    {
      summary: 'A wall display signs in with its token.',
      body: wallLoginBody,
      reply: { status: 200, schema: sessionInfo, description: 'the wall’s session' },
      errors: {
        401: 'auth/invalid-credentials: the token is unknown or revoked',
        429: 'too many sign-in attempts (Retry-After)',
      },
    },
    deps.loginLimit,
    async (req, res) => {
      const body = parseInput(wallLoginBody, req.body, 'body');
      const { token, info } = await deps.auth.wallLogin(body.token, requestMeta(req));
      setSessionCookie(req, res, token);
      res.set('Cache-Control', 'no-store').json(info);
    },
  );

  // Public so that a screen whose session already ended can still clear its cookie.
  api.add(
    'post',
    '/auth/logout',
    'public',
    {
      summary: 'Sign out: end the session (if any) and clear its cookie.',
      reply: { status: 204, description: 'signed out (also when there was no session)' },
    },
    async (req, res) => {
      if (req.auth) await deps.auth.logout(req.auth, requestMeta(req));
      clearSessionCookie(req, res);
      res.status(204).end();
    },
  );

  api.add(
    'get',
    '/auth/session',
    self,
    {
      summary: 'The caller’s session: who, role, scope, and the CSRF token for writes.',
      reply: { status: 200, schema: sessionInfo, description: 'the session' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.auth.sessionInfo(ctxOf(req)));
    },
  );

  api.add(
    'get',
    '/auth/whoami',
    'authenticated',
    {
      summary: 'Who this credential is (a session, a device key or an integration key).',
      reply: { status: 200, schema: whoami, description: 'kind, id, role, scope' },
    },
    (req, res) => {
      res.set('Cache-Control', 'no-store').json(deps.auth.whoami(ctxOf(req)));
    },
  );

  api.add(
    'post',
    '/auth/password',
    { action: 'account:self' },
    {
      summary: 'Change one’s own password (audited); other sessions end.',
      body: passwordChangeBody,
      reply: { status: 204, description: 'changed' },
      errors: {
        400: 'body.current: the current password is wrong, or the new one too weak',
        403: 'not a person (a wall display)',
      },
    },
    async (req, res) => {
      const body = parseInput(passwordChangeBody, req.body, 'body');
      await deps.auth.changePassword(ctxOf(req), body, requestMeta(req));
      res.status(204).end();
    },
  );

  api.add(
    'post',
    '/auth/totp/setup',
    account,
    {
      summary: 'Start setting up a second factor (TOTP): a new secret and its otpauth URI.',
      reply: { status: 200, schema: totpSetupReply, description: 'the secret, to confirm with /auth/totp/enable' },
      errors: { 403: 'not a person (a wall display)', 409: 'a second factor is already set up' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.auth.totpSetup(ctxOf(req)));
    },
  );

  api.add(
    'post',
    '/auth/totp/enable',
    account,
    {
      summary: 'Turn the second factor on with a code from the authenticator app (audited).',
      body: totpCodeBody,
      reply: { status: 200, schema: sessionInfo, description: 'the session, no longer waiting for a second factor' },
      errors: {
        400: 'auth/otp-invalid: body.code does not match',
        403: 'not a person (a wall display)',
        409: 'already set up, or no setup started (POST /auth/totp/setup first)',
      },
    },
    async (req, res) => {
      const body = parseInput(totpCodeBody, req.body, 'body');
      res.set('Cache-Control', 'no-store').json(await deps.auth.totpEnable(ctxOf(req), body.code, requestMeta(req)));
    },
  );
}
