/** HTTP errors with a 'domain/reason' code, and the one middleware that writes every error body. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ErrorCode, type ErrorBody } from '../shared/errors';

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
      body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
    } else if (err instanceof Error && (err as BodyParserError).type === 'entity.parse.failed') {
      status = 400;
      body = { error: { code: ErrorCode.RequestMalformedJson, message: `request body is not valid JSON: ${err.message}` } };
    } else if (err instanceof Error && (err as BodyParserError).type === 'entity.too.large') {
      status = 413;
      body = { error: { code: ErrorCode.RequestTooLarge, message: 'request body is too large' } };
    } else if (err instanceof Error && typeof (err as BodyParserError).status === 'number' && (err as BodyParserError).status! < 500) {
      status = (err as BodyParserError).status!;
      body = { error: { code: ErrorCode.RequestInvalid, message: err.message } };
    } else {
      log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

/**
 * Parse a request's body or query with a zod schema; a failure is a 400 whose message names the
 * first bad field (`body.username: must not be empty`) and whose details list every issue.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = [where, ...i.path.map(String)].join('.');
    const message = i.code === 'unrecognized_keys' ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}` : value === undefined && i.path.length === 0 ? `a JSON object is needed (send Content-Type: application/json)` : i.message;
    return { path, message, ...(keys.length ? { fields: keys } : {}) };
  });
  const first = issues[0]!;
  throw new HttpError(400, ErrorCode.RequestInvalid, `${first.path}: ${first.message}`, { issues });
}
