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
  /** The database cannot be reached or is restarting: nothing was done; send it again after Retry-After. */
  ServiceUnavailable: 'service/unavailable',
  /** No session, or it ended (expired, logged out, revoked): sign in again. */
  AuthRequired: 'auth/required',
  /** Wrong username or password (the same answer for an unknown user). */
  AuthInvalidCredentials: 'auth/invalid-credentials',
  /** Too many failed sign-ins for this username: wait (Retry-After). */
  AuthLocked: 'auth/locked',
  /** The account has a second factor: send `otp`. */
  AuthOtpRequired: 'auth/otp-required',
  AuthOtpInvalid: 'auth/otp-invalid',
  /** An admin without a second factor where one is required: set it up first. */
  AuthTotpSetupRequired: 'auth/totp-setup-required',
  /** Signed in, but the role or the region scope does not allow this. */
  AuthForbidden: 'auth/forbidden',
  /** A state-changing request without the session's X-CSRF-Token, or from another origin. */
  AuthCsrf: 'auth/csrf',
  RateLimited: 'rate/limited',
  UserNotFound: 'user/not-found',
  UserExists: 'user/exists',
  CredentialNotFound: 'credential/not-found',
  AlarmNotFound: 'alarm/not-found',
  IncidentNotFound: 'incident/not-found',
  /** Someone else changed the incident first: `details.incident` is its current state. */
  IncidentStale: 'incident/stale',
  /** The state machine refuses the action now (the message says why). */
  IncidentIllegal: 'incident/illegal',
  UnitNotFound: 'unit/not-found',
  /** The unit is offline or busy with another incident. */
  UnitUnavailable: 'unit/unavailable',
  /** The unit has an enabled field account already (one phone account per unit). */
  UnitTaken: 'unit/taken',
  PhotoType: 'photo/type',
  PhotoTooLarge: 'photo/too-large',
  PhotoNotFound: 'photo/not-found',
  /** No citizen report with this tracking code. */
  ReportNotFound: 'report/not-found',
  /** No wall preset with this id. */
  WallPresetNotFound: 'wall/preset-not-found',
  /** The default wall preset, or one an event names, cannot be deleted. */
  WallPresetInUse: 'wall/preset-in-use',
  /** No major event with this id. */
  MajorEventNotFound: 'major-event/not-found',
  /** The major event is closed (its window ended, or it was closed): it cannot change. */
  MajorEventClosed: 'major-event/closed',
  /** No device endpoint with this id (or none the caller's scope holds). */
  DeviceNotFound: 'device/not-found',
  /** Another endpoint of this kind has this address (and MAC), device id or URL already. */
  DeviceExists: 'device/exists',
  Internal: 'internal/error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
