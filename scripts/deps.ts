/**
 * `npm run deps`: the import graph of server/, client/src/ and shared/ as the issue measures it:
 * cycles between folders (a folder is `shared`, `server/<dir>` or `client/src/<dir>`), cycles
 * between files, imports that climb two or more levels, and the largest non-data files.
 * Reads files as text (import/export … from, import(), side-effect imports); resolves relative
 * paths and the `@shared/`, `@server/`, `@client/` aliases.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tops = ['shared', 'server', 'client/src'];
const aliases: Record<string, string> = { '@shared/': 'shared/', '@server/': 'server/', '@client/': 'client/src/' };
/** Generated or data-like files that are long by nature. */
const dataFile = /(\/i18n\/|\/db\/migrations\/|\/db\/schema\.ts$|\.d\.ts$)/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'migrations') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|vue|mjs|js)$/.test(name)) out.push(relative(root, p));
  }
  return out;
}

function resolveSpec(from: string, spec: string): string | null {
  let base: string | null = null;
  for (const [a, to] of Object.entries(aliases)) if (spec.startsWith(a)) base = join(root, to, spec.slice(a.length));
  if (!base && spec.startsWith('.')) base = resolve(root, dirname(from), spec);
  if (!base) return null;
  for (const ext of ['', '.ts', '.vue', '.js', '.mjs', '/index.ts']) {
    const p = base + ext;
    if (existsSync(p) && statSync(p).isFile()) return relative(root, p);
  }
  return null;
}

export function folderOf(file: string): string {
  if (file.startsWith('shared/')) return 'shared';
  const parts = file.split('/');
  if (file.startsWith('client/src/')) return parts.length > 3 ? `client/${parts[2]}` : 'client/(root)';
  return parts.length > 2 ? `server/${parts[1]}` : 'server/(root)';
}

const importRe =
  /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]|new URL\(\s*['"]([^'"]+)['"]/g;

export function graph(): { files: string[]; edges: Map<string, Set<string>>; deep: number; deep3: number } {
  const files = tops.flatMap((t) => walk(join(root, t)));
  const edges = new Map<string, Set<string>>();
  let deep = 0;
  let deep3 = 0;
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    const set = new Set<string>();
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (!spec) continue;
      if (spec.startsWith('../../')) deep++;
      if (spec.startsWith('../../../')) deep3++;
      const to = resolveSpec(f, spec);
      if (to) set.add(to);
    }
    edges.set(f, set);
  }
  return { files, edges, deep, deep3 };
}

/** Tarjan's strongly connected components; those of more than one node are cycles. */
export function cycles(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

export function folderEdges(edges: Map<string, Set<string>>): Map<string, Map<string, string[]>> {
  const fe = new Map<string, Map<string, string[]>>();
  for (const [f, tos] of edges) {
    for (const t of tos) {
      const a = folderOf(f);
      const b = folderOf(t);
      if (a === b) continue;
      const m = fe.get(a) ?? new Map<string, string[]>();
      fe.set(a, m);
      m.set(b, [...(m.get(b) ?? []), `${f} → ${t}`]);
    }
  }
  return fe;
}

function main(): void {
  const { files, edges, deep, deep3 } = graph();
  const fe = folderEdges(edges);
  const folders = new Set([...files.map(folderOf)]);
  const folderCycles = cycles(folders, (n) => fe.get(n)?.keys() ?? []);
  // Pairs of folders importing each other (the simplest cycles, the ones to name).
  const pairs: string[] = [];
  for (const [a, m] of fe) for (const b of m.keys()) if (a < b && fe.get(b)?.has(a)) pairs.push(`${a} ↔ ${b}`);
  const fileCycles = cycles(files, (n) => edges.get(n) ?? []);
  const sizes = files
    .filter((f) => !dataFile.test(f))
    .map((f) => ({ f, n: readFileSync(join(root, f), 'utf8').split('\n').length }))
    .sort((x, y) => y.n - x.n);
  const largest = (prefix: string) =>
    sizes
      .filter((s) => s.f.startsWith(prefix))
      .slice(0, 3)
      .map((s) => `${s.f} (${s.n})`)
      .join(', ');
  console.log(`files: ${files.length}`);
  console.log(
    `folder cycles (strongly connected groups): ${folderCycles.length}${folderCycles.map((c) => `\n  ${c.join(' · ')}`).join('')}`,
  );
  console.log(`folder pairs importing each other: ${pairs.length}${pairs.map((p) => `\n  ${p}`).join('')}`);
  console.log(`file cycles: ${fileCycles.length}${fileCycles.map((c) => `\n  ${c.join(' · ')}`).join('')}`);
  console.log(`imports climbing ../../ or more: ${deep} (../../../ or more: ${deep3})`);
  console.log(`largest server: ${largest('server/')}`);
  console.log(`largest client: ${largest('client/')}`);
  console.log(`largest shared: ${largest('shared/')}`);
  if (process.argv.includes('--edges')) {
    for (const [a, m] of [...fe].sort()) for (const [b, list] of m) console.log(`${a} → ${b} (${list.length})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
