/**
 * Text that PostgreSQL can store (issue 13): one rule for every string that comes in, over HTTP,
 * Socket.IO or MQTT. PostgreSQL refuses U+0000 in `text` and `jsonb` (22021, 22P05), and a lone
 * UTF-16 surrogate cannot be written as UTF-8 at all (`jsonb` refuses it, node-postgres silently
 * turns it into U+FFFD). JavaScript and JSON allow both, so zod alone lets them through and the
 * database answers with an error deep inside a transaction. Checked at the boundary instead, the
 * sender gets a 400 naming the field, and nothing that reaches the database can fail on its text.
 *
 * Free JSON (an event's `attributes`) is walked without recursion and only to a depth limit:
 * JSON.stringify and PostgreSQL both recurse, and a body nested 7,000 deep overflows either.
 */
import { z } from 'zod';

/** NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

const hex = (unit: number) => unit.toString(16).toUpperCase().padStart(4, '0');

/** What is wrong with a string for PostgreSQL, or null when it can be stored. */
export function textProblem(s: string): string | null {
  const m = UNSTORABLE.exec(s);
  if (!m) return null;
  const unit = m[0].charCodeAt(0);
  return unit === 0 ? 'must not contain U+0000' : `must not contain a lone surrogate (U+${hex(unit)})`;
}

/** Whether a string can be stored as it is. */
export const isStorable = (s: string): boolean => !UNSTORABLE.test(s);

/** The string with NUL and lone surrogates written as `\u0000`-style escapes: for messages, paths and logs. */
export function printable(s: string): string {
  return s.replace(UNSTORABLE_ALL, (c) => `\\u${hex(c.charCodeAt(0)).toLowerCase()}`);
}

/** A zod check (`.superRefine(storableText)`) for any string schema: z.url(), z.iso.datetime(), … */
export function storableText(s: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
}

export interface TextOptions {
  /** Trim white space first (the length and the rule apply to what is kept). */
  trim?: boolean;
  /** The fewest characters (1: 'must not be empty'). */
  min?: number;
}

/**
 * The one string rule of every input schema: a string, storable (no U+0000, no lone surrogate),
 * at most `max` characters (UTF-16 units, as zod and String.length count). Chain `.regex()`,
 * `.min()`, `.optional()` as on any z.string().
 */
export function text(max: number, opts: TextOptions = {}): z.ZodString {
  let s = z.string({ error: 'must be a string' });
  if (opts.trim) s = s.trim();
  s = s.superRefine(storableText).max(max, `must be at most ${max} characters`);
  if (opts.min !== undefined)
    s = s.min(opts.min, opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters`);
  return s;
}

// ---------------------------------------------------------------- free JSON

export interface WalkOptions {
  /** Objects and arrays nested deeper than this are refused (the value itself is level 1). */
  maxDepth: number;
  /** At most this many keys in one object or items in one array. */
  maxKeys?: number;
  /** Check strings and keys (default true); false checks only the shape (depth, keys). */
  text?: boolean;
}

/** The first problem found: where (keys and indexes from the value walked) and what. */
export interface Unstorable {
  path: (string | number)[];
  message: string;
}

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
  depth: number;
}

function pathOf(f: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Frame | null = f; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Walk a parsed JSON value (a request body, an MQTT message, `attributes`) and return its first
 * problem: a string or an object key that PostgreSQL cannot store, an object or array nested
 * deeper than `maxDepth`, one with more than `maxKeys` entries. Never throws and never recurses
 * (an explicit stack, and nothing below the depth limit is visited), so any input is safe to walk.
 * Binary values (a Buffer from a raw body parser) count as leaves.
 */
export function unstorable(value: unknown, opts: WalkOptions): Unstorable | null {
  const checkText = opts.text ?? true;
  const stack: Frame[] = [{ value, key: null, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const v = f.value;
    if (typeof v === 'string') {
      const problem = checkText ? textProblem(v) : null;
      if (problem) return { path: pathOf(f), message: problem };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    const depth = f.depth + 1;
    if (depth > opts.maxDepth) return { path: pathOf(f), message: `nested deeper than ${opts.maxDepth} levels` };
    if (Array.isArray(v)) {
      if (opts.maxKeys !== undefined && v.length > opts.maxKeys)
        return { path: pathOf(f), message: `must hold at most ${opts.maxKeys} items` };
      // Pushed last to first, so the first problem in reading order is the one found.
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] as unknown, key: i, parent: f, depth });
      continue;
    }
    const keys = Object.keys(v);
    if (opts.maxKeys !== undefined && keys.length > opts.maxKeys)
      return { path: pathOf(f), message: `must hold at most ${opts.maxKeys} keys` };
    if (checkText) {
      for (const k of keys) {
        const problem = textProblem(k);
        if (problem) return { path: [...pathOf(f), k], message: `the key ${problem}` };
      }
    }
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push({ value: (v as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: f, depth });
  }
  return null;
}

/**
 * A path for a message: `body.attributes.a.b`, keys made printable, a very long one shortened in
 * the middle (a body nested 30 deep is still named by where it starts and ends).
 */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => printable(String(p)));
  const shown = parts.length > 12 ? [...parts.slice(0, 9), `…(${parts.length - 11} more)`, ...parts.slice(-2)] : parts;
  return [root, ...shown].filter((p) => p !== '').join('.');
}

const byteLength = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v)).length;

/**
 * A free JSON object (an event's `attributes`): keys and strings storable, at most `maxDepth`
 * levels, at most `maxBytes` as JSON. The depth is checked first: only then is it safe to stringify.
 */
export function jsonObject(opts: { maxDepth: number; maxBytes: number; maxKeys?: number }) {
  return z.record(z.string(), z.unknown(), { error: 'must be an object' }).superRefine((v, ctx) => {
    const bad = unstorable(v, {
      maxDepth: opts.maxDepth,
      ...(opts.maxKeys === undefined ? {} : { maxKeys: opts.maxKeys }),
    });
    if (bad) {
      ctx.addIssue({ code: 'custom', message: bad.message, path: bad.path, input: v });
      return;
    }
    if (byteLength(v) > opts.maxBytes)
      ctx.addIssue({ code: 'custom', message: `must be at most ${opts.maxBytes / 1024} KB as JSON`, input: v });
  });
}
