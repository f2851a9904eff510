/**
 * The embedded database's own thread (see pglite-thread.ts). PGlite is PostgreSQL compiled to
 * WASM, and WASM runs on the thread that calls it: on the hub's main thread creating a database
 * (initdb) held the event loop for ~8 s, opening one for 1–2 s, and every big statement for as
 * long as it ran, so /healthz, sockets and MQTT acknowledgements waited. Here it holds only this
 * thread. Plain JavaScript so that it starts under tsx, vitest and node alike.
 *
 * Messages in: {id, op: 'open', dataDir} | {id, op: 'query', sql, params, rowMode, raw, tx}
 *   | {id, op: 'exec', sql, tx} | {id, op: 'begin', tx} | {id, op: 'end', tx, commit} | {id, op: 'close'}
 *   | {id, op: 'port', port}: another thread's connection (the layer builder's), same messages
 *   | {id, op: 'more', cursor}: the next rows of a big result.
 * Out, on the endpoint the message came from: {id, ok: true, value} | {id, ok: false, error}.
 * A query's rows come ROWS_PER_REPLY at a time: the first with the answer (`more`: a cursor when
 * there are others), the rest asked for one by one. The receiving thread deserialises a message in
 * one go; 9,400 grid outlines in one took it 150–340 ms, a slice a few ms.
 */
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {PGlite | undefined} */
let db;
/** Open transactions by endpoint, then id: PGlite's transaction object and how to end it. */
const txsOf = new WeakMap();
/** Thrown inside a transaction callback to make PGlite roll it back. */
const ROLLBACK = Symbol('rollback');
const identity = (v) => v;
const ROWS_PER_REPLY = 1000;
/** The rest of big results, by cursor: the rows and how far they were sent. */
const cursors = new Map();
let nextCursor = 1;

function firstRows(r) {
  if (r.rows.length <= ROWS_PER_REPLY) return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
  const cursor = nextCursor++;
  cursors.set(cursor, { rows: r.rows, at: ROWS_PER_REPLY });
  return { rows: r.rows.slice(0, ROWS_PER_REPLY), fields: r.fields, affectedRows: r.affectedRows, more: cursor };
}

/** A PostgreSQL error as plain data (structured clone keeps only name and message of an Error). */
function plainError(e) {
  const out = { message: String(e?.message ?? e), name: e?.name ?? 'Error' };
  for (const k of [
    'code',
    'severity',
    'detail',
    'hint',
    'position',
    'where',
    'schema',
    'table',
    'column',
    'dataType',
    'constraint',
    'routine',
  ]) {
    if (e && typeof e[k] === 'string') out[k] = e[k];
  }
  return out;
}

function target(txs, tx) {
  if (tx === undefined || tx === null) {
    if (!db) throw new Error('the database is not open');
    return db;
  }
  const t = txs.get(tx);
  if (!t) throw new Error(`no open transaction ${tx}`);
  return t.tx;
}

async function handle(msg, endpoint) {
  const txs = txsOf.get(endpoint);
  switch (msg.op) {
    case 'open':
      db = await PGlite.create(msg.dataDir);
      return null;
    case 'query': {
      // The caller's parsers (functions) cannot cross threads: `raw` lists the type ids it wants as text.
      const parsers = {};
      for (const oid of msg.raw ?? []) parsers[oid] = identity;
      const r = await target(txs, msg.tx).query(msg.sql, msg.params ?? [], {
        rowMode: msg.rowMode ?? 'object',
        parsers,
      });
      return firstRows(r);
    }
    case 'more': {
      const c = cursors.get(msg.cursor);
      if (!c) throw new Error(`no result ${msg.cursor}`);
      const rows = c.rows.slice(c.at, c.at + ROWS_PER_REPLY);
      c.at += ROWS_PER_REPLY;
      if (c.at >= c.rows.length) cursors.delete(msg.cursor);
      return { rows, done: !cursors.has(msg.cursor) };
    }
    case 'exec': {
      const rs = await target(txs, msg.tx).exec(msg.sql);
      return rs.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
    }
    case 'begin': {
      if (!db) throw new Error('the database is not open');
      let began;
      const inside = new Promise((r) => (began = r));
      let end;
      const ended = new Promise((res, rej) => (end = (commit) => (commit ? res() : rej(ROLLBACK))));
      const done = db
        .transaction(async (tx) => {
          txs.set(msg.tx, { tx, end, done: undefined });
          began();
          await ended;
        })
        .then(
          () => undefined,
          (e) => {
            if (e !== ROLLBACK) throw e;
          },
        )
        .finally(() => txs.delete(msg.tx));
      // Handled here so an early failure is no unhandled rejection; 'end' still awaits the outcome.
      done.catch(() => undefined);
      // Until BEGIN ran, a failure (a closed database) is this message's answer.
      await Promise.race([inside, done]);
      const t = txs.get(msg.tx);
      if (t) t.done = done;
      return null;
    }
    case 'end': {
      const t = txs.get(msg.tx);
      if (!t) return null; // already over (rolled back by an error inside)
      t.end(msg.commit);
      await t.done;
      return null;
    }
    case 'close':
      if (endpoint !== parentPort) {
        endpoint.close();
        return null;
      }
      if (db && !db.closed) await db.close();
      return null;
    case 'port':
      serve(msg.port);
      return null;
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

function serve(endpoint) {
  txsOf.set(endpoint, new Map());
  endpoint.on('message', (msg) => {
    handle(msg, endpoint).then(
      (value) => endpoint.postMessage({ id: msg.id, ok: true, value }),
      (e) => endpoint.postMessage({ id: msg.id, ok: false, error: plainError(e) }),
    );
  });
}

serve(parentPort);
