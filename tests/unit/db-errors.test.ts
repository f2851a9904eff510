/**
 * Database errors classified (server/db/errors.ts): data (refuse and set aside), transient (try
 * again later, never drop), fault (the hub's own bug). The shapes are the drivers' own: pg's
 * DatabaseError and PGlite's error both carry `code`; Drizzle wraps either in `cause`.
 */
import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { dbErrorKind, dbMessage, sqlState } from '@server/db/errors';

/** An error as node-postgres or PGlite throws it. */
function pgError(code: string, message = `error ${code}`): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}
/** As Drizzle rethrows it: the SQL and its parameters in the message, the driver's error in `cause`. */
const wrapped = (cause: unknown) =>
  new DrizzleQueryError('insert into events … values ($1)', ['secret-param'], cause as Error);
const sysError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('dbErrorKind', () => {
  it.each([
    ['22P05 unsupported Unicode escape (NUL in jsonb)', pgError('22P05'), 'data'],
    ['22021 invalid byte sequence (NUL in text)', pgError('22021'), 'data'],
    ['22008 date/time out of range (year 0)', pgError('22008'), 'data'],
    ['22P02 invalid input syntax', pgError('22P02'), 'data'],
    ['23502 not-null violation', pgError('23502'), 'data'],
    ['23514 check violation', pgError('23514'), 'data'],
    ['54001 stack depth limit exceeded', pgError('54001'), 'data'],
    ['54000 index row too large', pgError('54000'), 'data'],
    ['08006 connection failure', pgError('08006'), 'transient'],
    ['08003 connection does not exist', pgError('08003'), 'transient'],
    ['57P01 admin shutdown', pgError('57P01'), 'transient'],
    ['57P03 cannot connect now (starting up)', pgError('57P03'), 'transient'],
    ['57014 statement timeout', pgError('57014'), 'transient'],
    ['40001 serialization failure', pgError('40001'), 'transient'],
    ['40P01 deadlock', pgError('40P01'), 'transient'],
    ['53300 too many connections', pgError('53300'), 'transient'],
    ['55P03 lock not available', pgError('55P03'), 'transient'],
    ['no SQLSTATE: connection terminated', new Error('Connection terminated unexpectedly'), 'transient'],
    ['no SQLSTATE: ECONNREFUSED', sysError('ECONNREFUSED'), 'transient'],
    ['no SQLSTATE: EPIPE (five letters, not a SQLSTATE)', sysError('EPIPE'), 'transient'],
    ['a string thrown', 'boom', 'transient'],
    ['42703 undefined column (our SQL is wrong)', pgError('42703'), 'fault'],
    ['XX000 internal error', pgError('XX000'), 'fault'],
    ['a TypeError in our code', new TypeError("Cannot read properties of undefined (reading 'id')"), 'fault'],
    ['a RangeError (stack overflow)', new RangeError('Maximum call stack size exceeded'), 'fault'],
  ])('%s → %s', (_what, e, want) => {
    expect(dbErrorKind(e)).toBe(want);
    // Wrapped by Drizzle, and wrapped again by a transaction helper: the same answer.
    expect(dbErrorKind(wrapped(e))).toBe(want);
    expect(dbErrorKind(new Error('transaction failed', { cause: wrapped(e) }))).toBe(want);
  });

  it('reads the SQLSTATE and the database’s own message, never Drizzle’s (which quotes parameters)', () => {
    const e = wrapped(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(sqlState(e)).toBe('22021');
    expect(dbMessage(e)).toBe('invalid byte sequence for encoding "UTF8": 0x00');
    expect(dbMessage(e)).not.toMatch(/secret-param|insert into/);
    expect(sqlState(new Error('plain'))).toBeUndefined();
    expect(dbMessage(new Error('Failed query: select $1 params: secret'))).not.toMatch(/secret/);
    // No SQLSTATE: the innermost cause speaks (a lost connection), still never Drizzle's message.
    expect(dbMessage(wrapped(new Error('Connection terminated unexpectedly')))).toBe(
      'Connection terminated unexpectedly',
    );
  });
});
