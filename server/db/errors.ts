/**
 * What a database error means for the caller (issue 13): was it the data (the same statement will
 * fail again: refuse it, set it aside), a passing trouble (the server went away, a deadlock, a
 * serialization failure: try again later, never drop it), or a fault of the hub itself?
 *
 * Drizzle wraps the driver's error (`DrizzleQueryError`, whose message holds the SQL and its
 * parameters) with the driver's in `cause`; node-postgres and PGlite both carry the SQLSTATE in
 * `code`. Node's own errors (ECONNREFUSED, EPIPE) carry no SQLSTATE: a lost connection.
 */

export type DbErrorKind = 'data' | 'transient' | 'fault';

/** SQLSTATE: two characters of class (digits, or F0, HV, P0, XX), three of subclass. */
const SQLSTATE = /^(\d\d|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The SQLSTATE of an error or of one of its causes, if any. */
export function sqlState(e: unknown): string | undefined {
  for (
    let at = e, depth = 0;
    at !== null && typeof at === 'object' && depth < 6;
    at = (at as { cause?: unknown }).cause, depth++
  ) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return code;
  }
  return undefined;
}

/**
 * The database's own message, for a log line or a refusal: the error that carries the SQLSTATE,
 * else the innermost cause (a socket error). Never Drizzle's, which quotes the SQL and its parameters.
 */
export function dbMessage(e: unknown): string {
  let innermost: string | undefined;
  for (
    let at = e, depth = 0;
    at !== null && typeof at === 'object' && depth < 6;
    at = (at as { cause?: unknown }).cause, depth++
  ) {
    const code = (at as { code?: unknown }).code;
    const message = (at as { message?: unknown }).message;
    if (typeof code === 'string' && SQLSTATE.test(code))
      return typeof message === 'string' ? message : 'the database refused it';
    if (typeof message === 'string' && !message.startsWith('Failed query:')) innermost = message;
  }
  return innermost ?? 'the database refused it';
}

/**
 * - data: class 22 (data exception: U+0000, an unsupported escape, a value out of range), 23
 *   (integrity: a check or not-null the input broke), 54 (program limit: a value too large to
 *   index, a JSON nested past the stack depth). The same input fails the same way every time.
 * - transient: class 08 (connection), 57P (the server shutting down or restarting), 53
 *   (insufficient resources), 57014 (a statement cancelled or timed out), 55P03 (a lock not
 *   available), 40001 / 40P01 (serialization failure, deadlock), and any other error without a
 *   SQLSTATE (a socket closed, a pool timed out, PGlite closing). Trying again later may work.
 * - fault: anything else with a SQLSTATE (42xxx: the hub's own SQL is wrong; XX000: internal), and
 *   JavaScript's own TypeError / RangeError / ReferenceError / SyntaxError: a bug the same input
 *   meets again, which waiting will not cure (so one message cannot hold MQTT ingest for ever).
 */
export function dbErrorKind(e: unknown): DbErrorKind {
  const code = sqlState(e);
  if (code === undefined) return programError(e) ? 'fault' : 'transient';
  const cls = code.slice(0, 2);
  if (cls === '22' || cls === '23' || cls === '54') return 'data';
  if (
    cls === '08' ||
    cls === '53' ||
    code.startsWith('57P') ||
    code === '57014' ||
    code === '55P03' ||
    code === '40001' ||
    code === '40P01'
  )
    return 'transient';
  return 'fault';
}

function programError(e: unknown): boolean {
  for (
    let at = e, depth = 0;
    at !== null && typeof at === 'object' && depth < 6;
    at = (at as { cause?: unknown }).cause, depth++
  ) {
    if (
      at instanceof TypeError ||
      at instanceof RangeError ||
      at instanceof ReferenceError ||
      at instanceof SyntaxError
    )
      return true;
  }
  return false;
}

/** Node's socket errors that mean the database server cannot be reached now. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
/** node-postgres', PGlite's and our PGlite thread's words for a lost or closed connection (they carry no code). */
const LOST =
  /Connection terminated|Client was closed and is not queryable|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed|the database (is closed|thread stopped)|the database system is (starting up|shutting down)/i;

/**
 * The database cannot be reached or is restarting now (a SQLSTATE of class 08, 57P, 53, a socket
 * error, a pool or PGlite that lost its connection): an HTTP caller is told 503 with Retry-After,
 * not 500 (issue 13). Narrower than dbErrorKind's 'transient', which treats any error without a
 * SQLSTATE as passing: a bug of the hub must stay a 500.
 */
export function databaseUnavailable(e: unknown): boolean {
  const code = sqlState(e);
  if (code !== undefined) return code.startsWith('08') || code.startsWith('57P') || code.startsWith('53');
  for (
    let at = e, depth = 0;
    at !== null && typeof at === 'object' && depth < 6;
    at = (at as { cause?: unknown }).cause, depth++
  ) {
    const c = (at as { code?: unknown }).code;
    const m = (at as { message?: unknown }).message;
    if (typeof c === 'string' && SOCKET_CODES.has(c)) return true;
    if (typeof m === 'string' && !m.startsWith('Failed query:') && LOST.test(m)) return true;
  }
  return false;
}
