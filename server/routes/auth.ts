/** Sign-in, the session, sign-out, one's own password and second factor (rules in auth.service.ts). */
import type { RequestHandler } from 'express';
import { loginBody, passwordChangeBody, totpCodeBody, wallLoginBody } from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { clearSessionCookie, ctxOf, requestMeta, setSessionCookie, type ApiRoutes } from '../http/auth';
import type { AuthService } from '../services/auth.service';
import { HttpError } from '../core/http-errors';

export function authRoutes(api: ApiRoutes, deps: { auth: AuthService; loginLimit: RequestHandler }): void {
  const self = { action: 'session:self', duringMfaSetup: true } as const;
  const account = { action: 'account:self', duringMfaSetup: true } as const;

  api.add('post', '/auth/login', 'public', deps.loginLimit, async (req, res) => {
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
  });

  api.add('post', '/auth/wall', 'public', deps.loginLimit, async (req, res) => {
    const body = parseInput(wallLoginBody, req.body, 'body');
    const { token, info } = await deps.auth.wallLogin(body.token, requestMeta(req));
    setSessionCookie(req, res, token);
    res.set('Cache-Control', 'no-store').json(info);
  });

  // Public so that a screen whose session already ended can still clear its cookie.
  api.add('post', '/auth/logout', 'public', async (req, res) => {
    if (req.auth) await deps.auth.logout(req.auth, requestMeta(req));
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  api.add('get', '/auth/session', self, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.auth.sessionInfo(ctxOf(req)));
  });

  api.add('get', '/auth/whoami', 'authenticated', (req, res) => {
    res.set('Cache-Control', 'no-store').json(deps.auth.whoami(ctxOf(req)));
  });

  api.add('post', '/auth/password', { action: 'account:self' }, async (req, res) => {
    const body = parseInput(passwordChangeBody, req.body, 'body');
    await deps.auth.changePassword(ctxOf(req), body, requestMeta(req));
    res.status(204).end();
  });

  api.add('post', '/auth/totp/setup', account, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.auth.totpSetup(ctxOf(req)));
  });

  api.add('post', '/auth/totp/enable', account, async (req, res) => {
    const body = parseInput(totpCodeBody, req.body, 'body');
    res.set('Cache-Control', 'no-store').json(await deps.auth.totpEnable(ctxOf(req), body.code, requestMeta(req)));
  });
}
