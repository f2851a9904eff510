/**
 * The layering of ARCHITECTURE.md, checked on the whole import graph (scripts/deps.ts): every
 * import between parts is one that scripts/boundaries.mjs allows, no folder imports itself back
 * through others, no file cycle; and shared/, server/ and client/ are type-checked with only the
 * environment they may use (no DOM, no Node in shared; no DOM in the hub; no Node in screens).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { cycles, folderEdges, folderOf, graph } from '../../scripts/deps';
import { allowed, partOf, parts } from '../../scripts/boundaries.mjs';

const root = resolve(import.meta.dirname, '../..');

/** Every import from one part to another that the table does not allow. */
function crossings(edges: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [from, tos] of edges) {
    const a = partOf(from);
    for (const to of tos) {
      const b = partOf(to);
      if (a && b && !allowed(a, b)) out.push(`${from} → ${to} (${a.name} may not import ${b.name})`);
    }
  }
  return out;
}

describe('import boundaries', () => {
  const { files, edges } = graph();

  test('every file of shared/, server/ and client/src/ belongs to a part', () => {
    expect(files.filter((f) => !partOf(f))).toEqual([]);
  });

  test('no import crosses a boundary', () => {
    expect(crossings(edges)).toEqual([]);
  });

  test('no folder imports itself back', () => {
    const fe = folderEdges(edges);
    expect(cycles(new Set(files.map(folderOf)), (n) => fe.get(n)?.keys() ?? [])).toEqual([]);
  });

  test('no file imports itself back', () => {
    expect(cycles(files, (n) => edges.get(n) ?? [])).toEqual([]);
  });

  test('a crossing is found', () => {
    const probe = new Map([
      ['client/src/map/probe.ts', new Set(['client/src/stores/alarms.ts'])],
      ['shared/probe.ts', new Set(['server/db/schema.ts'])],
    ]);
    expect(crossings(probe)).toHaveLength(2);
  });

  test('the table itself has no cycle', () => {
    const byName = new Map(parts.map((p) => [p.name, p]));
    const next = (n: string) => parts.filter((q) => q.name !== n && allowed(byName.get(n)!, q)).map((q) => q.name);
    expect(cycles(byName.keys(), next)).toEqual([]);
  });
});

/** Type-check one probe file with the compiler options of a part's tsconfig; the messages. */
function check(tsconfig: string, code: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'boundary-'));
  const file = join(dir, 'probe.ts');
  writeFileSync(file, code);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, tsconfig),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('each part is compiled with only its environment', () => {
  test('shared/ sees neither Node nor the DOM', () => {
    const errors = check(
      'shared/tsconfig.json',
      'export const a = [typeof Buffer, typeof document, typeof process];\n',
    );
    expect(errors.join('\n')).toMatch(/Buffer/);
    expect(errors.join('\n')).toMatch(/document/);
    expect(errors.join('\n')).toMatch(/process/);
  });

  test('server/ does not see the DOM', () => {
    expect(check('server/tsconfig.json', 'export const a = typeof document;\n').join('\n')).toMatch(/document/);
    expect(check('server/tsconfig.json', 'export const a = typeof Buffer;\n')).toEqual([]);
  });

  test('client/ does not see Node', () => {
    expect(check('client/tsconfig.json', 'export const a = typeof Buffer;\n').join('\n')).toMatch(/Buffer/);
    expect(check('client/tsconfig.json', 'export const a = typeof document;\n')).toEqual([]);
  });
});
