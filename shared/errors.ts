/**
 * Error codes on the wire: 'domain/reason'. Every error response body is
 * { error: { code, message, details? } } so clients can branch on `code` and show `message`.
 */
export const ErrorCode = {
  RequestMalformedJson: 'request/malformed-json',
  RequestInvalid: 'request/invalid',
  RequestTooLarge: 'request/too-large',
  RouteNotFound: 'route/not-found',
  LayerNotFound: 'layer/not-found',
  RegionNotFound: 'region/not-found',
  ServiceNotReady: 'service/not-ready',
  Internal: 'internal/error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
