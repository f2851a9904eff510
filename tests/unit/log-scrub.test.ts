/**
 * What the log scrub takes out of free text (server/core/logging.ts scrubText): a failed query's
 * parameters, the value PostgreSQL quotes when it refuses one (before or after its words), a URL's
 * password, bearer tokens, the session cookie and the hub's key prefixes.
 */
import { describe, expect, it } from 'vitest';
import { scrubText } from '@server/core/logging';

const HASH = '4127390518a9c0d3e1f2b4a6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6';

describe('scrubText', () => {
  it.each([
    ['Drizzle’s parameters', `Failed query: select $1::int\nparams: ${HASH}`],
    ['a value PostgreSQL could not parse', `invalid input syntax for type integer: "${HASH}"`],
    // A hash that starts with ten digits overflows int4 before its first letter: the value comes first.
    ['a value out of range, quoted before the words', `value "${HASH}" is out of range for type integer`],
    ['a date out of range', `date/time field value out of range: "${HASH}"`],
    ['an enum value', `invalid input value for enum alarm_status: "${HASH}"`],
    ['a URL with a password', `cannot reach postgres://hub:${HASH}@db:5432/city`],
    ['a bearer token', `Authorization: Bearer ${HASH}`],
    ['a session cookie', `cookie: cd_session=${HASH}; other=1`],
    ['a device key', `key cdk_${HASH}`],
    ['an integration key', `key cik_${HASH}`],
  ])('takes out %s', (_what, text) => {
    const out = scrubText(text);
    expect(out).not.toContain(HASH.slice(0, 20));
    expect(out).toContain('[redacted]');
  });

  it('leaves text without any of them as it is', () => {
    const text = 'POST /api/v1/events 202 12ms: 3 events stored';
    expect(scrubText(text)).toBe(text);
  });
});
