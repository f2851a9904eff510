/** HTTP errors with a 'domain/reason' code, and the one middleware that writes every error body. */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ErrorCode, type ErrorBody } from '@shared/errors';
import { formatPath, printable, unstorable, type Unstorable } from '@shared/text';
import { databaseUnavailable, dbMessage, sqlState } from '../db/errors';

/** Seconds a caller is told to wait when the database is unavailable (a restart takes a few). */
export const DB_RETRY_AFTER_S = 2;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFoundApi: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, ErrorCode.RouteNotFound, `no such endpoint: ${req.method} ${req.path}`));
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: ErrorBody = { error: { code: ErrorCode.Internal, message: 'internal error' } };
    if (err instanceof HttpError) {
      status = err.status;
      body = {
        error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
      };
    } else if (err instanceof Error && (err as BodyParserError).type === 'entity.parse.failed') {
      status = 400;
      body = {
        error: { code: ErrorCode.RequestMalformedJson, message: `request body is not valid JSON: ${err.message}` },
      };
    } else if (err instanceof Error && (err as BodyParserError).type === 'entity.too.large') {
      status = 413;
      body = { error: { code: ErrorCode.RequestTooLarge, message: 'request body is too large' } };
    } else if (err instanceof URIError) {
      // The router could not decode a path parameter (%ED%A0%80 is no UTF-8).
      status = 400;
      body = { error: { code: ErrorCode.RequestInvalid, message: `params: ${printable(err.message)}` } };
    } else if (isDataException(err)) {
      // The safety net behind the boundary guard: a value the database refused is the request's
      // fault, not the hub's. Logged without the SQL and its parameters (Drizzle's message has both).
      status = 400;
      const where = partOf(req);
      body = {
        error: {
          code: ErrorCode.RequestInvalid,
          message: `${where}: holds a value the database cannot store (${printable(dbMessage(err))})`,
        },
      };
      log.warn(
        {
          sqlState: sqlState(err),
          reason: printable(dbMessage(err)),
          method: req.method,
          path: `${req.baseUrl}${req.path}`,
        },
        'a data error reached the error handler: answered 400',
      );
    } else if (databaseUnavailable(err)) {
      // The database is restarting or out of reach: nothing was stored, the caller may send it
      // again (device posts carry their ids: a second copy is not a second event).
      status = 503;
      res.set('Retry-After', String(DB_RETRY_AFTER_S));
      body = {
        error: {
          code: ErrorCode.ServiceUnavailable,
          message: 'the database is unavailable for a moment: nothing was done; send it again',
        },
      };
      log.warn(
        { reason: printable(dbMessage(err)), method: req.method, path: `${req.baseUrl}${req.path}` },
        'the database is unavailable: answered 503',
      );
    } else if (
      err instanceof Error &&
      typeof (err as BodyParserError).status === 'number' &&
      (err as BodyParserError).status! < 500
    ) {
      status = (err as BodyParserError).status!;
      body = { error: { code: ErrorCode.RequestInvalid, message: err.message } };
    } else {
      // Logged once, on the request's own line by pino-http (level error; server/core/logging.ts shows the
      // error without SQL parameters and the URL without secret query values).
      (res as { err?: unknown }).err = err;
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

/**
 * Parse a request's body or query with a zod schema; a failure is a 400 whose message names the
 * first bad field (`body.username: must not be empty`) and whose details list every issue.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = formatPath(where, i.path);
    const message =
      i.code === 'unrecognized_keys'
        ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`
        : value === undefined && i.path.length === 0
          ? `a JSON object is needed (send Content-Type: application/json)`
          : i.message;
    return { path, message, ...(keys.length ? { fields: keys } : {}) };
  });
  const first = issues[0]!;
  throw new HttpError(400, ErrorCode.RequestInvalid, `${first.path}: ${first.message}`, { issues });
}

/** SQLSTATE class 22 (data exception: U+0000, an unsupported escape, a value out of range) or 54 (a program limit: stack depth). */
function isDataException(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
}

/** Which part of a request a refused value most likely came from, for the message. */
function partOf(req: Request): 'body' | 'query' | 'params' {
  const body: unknown = req.body;
  if (body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body).length === 0))
    return 'body';
  return Object.keys(req.query).length > 0 ? 'query' : 'params';
}

/**
 * The boundary (issue 13): every string and key of a request's JSON body and query must be text
 * PostgreSQL can store, and a body may nest at most `maxDepth` levels (JSON.stringify, zod and
 * PostgreSQL recurse; a body 7,000 deep overflows them). A 400 names the first bad field. Runs
 * after the body parser, before anything reads the body.
 */
export function storableInput(opts: {
  maxDepth: number;
  /**
   * Requests whose body items are checked one by one by their service (an event batch keeps its
   * good items and refuses the bad ones by index): here only their shape (depth) is checked.
   */
  itemised?: (req: Request) => boolean;
}): RequestHandler {
  return (req, _res, next) => {
    const body: unknown = req.body;
    if (body !== undefined) {
      const bad = unstorable(body, { maxDepth: opts.maxDepth, text: !opts.itemised?.(req) });
      if (bad) return next(refused('body', bad));
    }
    const bad = unstorable(req.query, { maxDepth: opts.maxDepth });
    next(bad ? refused('query', bad) : undefined);
  };
}

/** The same rule for a route's path parameters (/incidents/%00): run by every route of the registry. */
export const storableParams: RequestHandler = (req, _res, next) => {
  const bad = unstorable(req.params, { maxDepth: 2 });
  next(bad ? refused('params', bad) : undefined);
};

function refused(where: 'body' | 'query' | 'params', bad: Unstorable): HttpError {
  const path = formatPath(where, bad.path);
  return new HttpError(400, ErrorCode.RequestInvalid, `${path}: ${bad.message}`, {
    issues: [{ path, message: bad.message }],
  });
}
