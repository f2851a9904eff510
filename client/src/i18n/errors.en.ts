import type zh from './errors.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** English: the hub's error codes, each with the hub's own message; same keys as errors.zh-CN.ts. */
export default {
  errors: {
    request: {
      'malformed-json': 'The request was malformed: {message}',
      invalid: 'Something in the request is not right: {message}',
      'too-large': 'The request is too large: {message}',
    },
    route: { 'not-found': 'The hub has no such operation: {message}' },
    layer: { 'not-found': 'No such layer: {message}' },
    region: { 'not-found': 'No such region: {message}' },
    service: {
      'not-ready': 'The hub is starting; try again shortly.',
      unavailable: 'The database cannot be reached; nothing was done. Try again shortly.',
    },
    auth: {
      required: 'The session has ended; sign in again.',
      'invalid-credentials': 'Wrong username or password.',
      locked: 'Too many failed sign-ins; the account is locked for a while.',
      'otp-required': 'Enter the 6-digit code from the authenticator app.',
      'otp-invalid': 'The code is wrong or expired; enter it again.',
      'totp-setup-required': 'Set up two-step verification first.',
      forbidden: 'Not allowed: {message}',
      csrf: 'The request failed a security check; reload the page and try again.',
    },
    rate: { limited: 'Too many requests; try again shortly.' },
    user: { 'not-found': 'No such user: {message}', exists: 'That username exists already.' },
    credential: { 'not-found': 'No such key or token: {message}' },
    alarm: { 'not-found': 'No such alarm in your scope: {message}' },
    incident: {
      'not-found': 'No such incident in your scope: {message}',
      stale: 'Changed by someone else; showing the current state.',
      illegal: 'Not possible now: {message}',
    },
    unit: {
      'not-found': 'No such unit: {message}',
      unavailable: 'The unit is busy or offline: {message}',
      taken: 'The unit has a field account already: {message}',
    },
    photo: {
      type: 'Not a photo type (JPEG, PNG or WebP): {message}',
      'too-large': 'The photo is too large: {message}',
      'not-found': 'The photo is missing; upload it again: {message}',
    },
    report: { 'not-found': 'No report has this tracking code.' },
    device: {
      'not-found': 'No such device.',
      exists: 'A device with this address, device id or URL is registered already.',
    },
    'major-event': {
      'not-found': 'No major event has this id.',
      closed: 'This major event is over: it cannot change.',
    },
    wall: {
      'preset-not-found': 'No wall preset has this id.',
      'preset-in-use': 'The default preset, or one a major event uses, cannot be deleted.',
    },
    internal: { error: 'Something went wrong in the hub; try again shortly.' },
  },
} satisfies Shape<typeof zh>;
