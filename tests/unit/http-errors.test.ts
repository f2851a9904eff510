/**
 * The HTTP boundary (server/core/http-errors.ts): the guard that refuses unstorable text by name, and the
 * error handler's safety net that answers a PostgreSQL data exception with 400, logged at warn
 * without the SQL and its parameters. Driven with plain request/response doubles.
 */
import { describe, expect, it, vi } from 'vitest';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { errorHandler, HttpError, storableInput, storableParams } from '@server/core/http-errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

function run(err: unknown, req: Partial<Request> = {}) {
  const log = { warn: vi.fn(), error: vi.fn() };
  let status = 0;
  let body: unknown;
  const headers: Record<string, string> = {};
  const res = {
    headersSent: false,
    set: (k: string, v: string) => ((headers[k] = v), res),
    status: (s: number) => ((status = s), res),
    json: (b: unknown) => ((body = b), res),
  } as unknown as Response;
  errorHandler(log as unknown as Logger)(
    err,
    {
      method: 'POST',
      baseUrl: '/api/v1',
      path: '/incidents',
      originalUrl: '/api/v1/incidents',
      query: {},
      body: { title: 'x' },
      ...req,
    } as Request,
    res,
    () => undefined,
  );
  return { status, headers, body: body as { error: { code: string; message: string } }, log };
}

function guard(
  mw: (req: Request, res: Response, next: NextFunction) => void,
  req: Partial<Request>,
): HttpError | undefined {
  let out: unknown;
  mw({ path: '/x', query: {}, params: {}, ...req } as Request, {} as Response, (e?: unknown) => (out = e));
  return out as HttpError | undefined;
}

describe('the error handler’s safety net', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['54001', 'stack depth limit exceeded'],
  ])('answers a %s that reached it with 400 request/invalid, logged at warn without parameters', (code, message) => {
    const { status, body, log } = run(
      new DrizzleQueryError('insert into incidents (title) values ($1)', ['cdk_secret-value'], pgError(code, message)),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('request/invalid');
    expect(body.error.message).toBe(`body: holds a value the database cannot store (${message})`);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(log.warn.mock.calls)).not.toMatch(/cdk_secret-value|insert into/);
  });

  it('names the query or the path when there is no body', () => {
    const e = pgError('22021', 'invalid byte sequence');
    expect(run(e, { method: 'GET', body: undefined, query: { q: 'x' } }).body.error.message).toMatch(/^query: /);
    expect(run(e, { method: 'GET', body: undefined }).body.error.message).toMatch(/^params: /);
  });

  it.each([
    ['57P01 admin shutdown (a restart)', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P03 starting up', pgError('57P03', 'the database system is starting up')],
    ['08006 connection failure', pgError('08006', 'connection failure')],
    ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
    ['the PGlite thread closing', new Error('the database is closed')],
  ])('answers the database unavailable (%s) with 503 and Retry-After, not 500', (_what, cause) => {
    const { status, headers, body, log } = run(
      new DrizzleQueryError('insert into events (id) values ($1)', ['cdk_secret-value'], cause),
    );
    expect(status).toBe(503);
    expect(headers['Retry-After']).toBe('2');
    expect(body.error.code).toBe('service/unavailable');
    expect(JSON.stringify([body, log.warn.mock.calls])).not.toMatch(/cdk_secret-value|insert into/);
  });

  it('keeps a bug of the hub a 500 however it is worded (no SQLSTATE, no socket error)', () => {
    expect(run(new Error('boom')).status).toBe(500);
    expect(run(new TypeError('Cannot read properties of undefined')).status).toBe(500);
    // Redis's words are not the database's.
    expect(run(new Error('Connection is closed.')).status).toBe(500);
  });

  it('keeps a fault of the hub a 500 (42703: our SQL is wrong), and an undecodable path parameter a 400', () => {
    expect(run(pgError('42703', 'column "x" does not exist')).status).toBe(500);
    const decode = Object.assign(new URIError("Failed to decode param '%ED%A0%80'"), { status: 400 });
    expect(run(decode).body.error).toEqual({
      code: 'request/invalid',
      message: "params: Failed to decode param '%ED%A0%80'",
    });
  });
});

describe('the boundary guard', () => {
  const mw = storableInput({ maxDepth: 4, itemised: (req) => req.path === '/events' });
  it('refuses unstorable text in a body or query, naming the field', () => {
    expect(guard(mw, { body: { reporter: { name: 'a\u0000' } } })?.message).toBe(
      'body.reporter.name: must not contain U+0000',
    );
    expect(guard(mw, { body: { ['k\ud800']: 1 } })?.message).toBe(
      'body.k\\ud800: the key must not contain a lone surrogate (U+D800)',
    );
    expect(guard(mw, { query: { cursor: '\u0000' } })?.message).toBe('query.cursor: must not contain U+0000');
    expect(guard(mw, { body: { a: { b: { c: { d: 1 } } } } })).toBeUndefined();
    expect(guard(mw, { body: { a: { b: { c: { d: { e: 1 } } } } } })?.message).toBe(
      'body.a.b.c.d: nested deeper than 4 levels',
    );
    expect(guard(mw, { body: { ok: ['中文 😀'] }, query: { q: 'fine' } })).toBeUndefined();
  });
  it('leaves the text of an event batch to ingest (per item), but not its depth', () => {
    expect(guard(mw, { path: '/events', body: { events: [{ id: '\u0000' }] } })).toBeUndefined();
    expect(guard(mw, { path: '/events', body: { events: [{ attributes: { a: { b: 1 } } }] } })?.message).toBe(
      'body.events.0.attributes.a: nested deeper than 4 levels',
    );
  });
  it('refuses NUL in a path parameter, as a 400', () => {
    const e = guard(storableParams, { params: { id: 'x\u0000' } });
    expect([e?.status, e?.code, e?.message]).toEqual([400, 'request/invalid', 'params.id: must not contain U+0000']);
  });
});
