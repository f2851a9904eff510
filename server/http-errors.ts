/** HTTP errors with a 'domain/reason' code, and the one middleware that writes every error body. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
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
