/**
 * Initial JS per route (issue 16): the JavaScript a browser must fetch and run before each route
 * renders, gzipped, read from the Vite manifest of a build.
 *
 * A route's initial JS is the closure of static imports from three starts: the HTML entry
 * (`index.html`, whose script only sets zod's CSP setting), the app (`src/start.ts`, which the
 * entry imports at once) and the route's page component (a lazy import in client/src/router, so
 * its own chunk). What a page loads later (`import()` of a panel, the camera video, the map's
 * worker) is not counted: it does not hold up the first render. Each chunk is gzipped on its own
 * (zlib's default level, what the hub's compression serves) and counted once per route.
 *
 * Usage: `npm run bench:bundle` builds (`vite build`) and reports. Settings:
 *   BENCH_BUNDLE_DIST=dir   read this build instead of building (it must hold .vite/manifest.json);
 *   BENCH_BUNDLE_BASE=dir   another build to compare with (e.g. a copy of main's dist/): the table
 *                           then shows both and this ÷ base.
 * Results: a table, and JSON in bench/results/bundle-<time>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Path → the page component the router loads for it (client/src/router/index.ts). */
export const ROUTES: { path: string; page: string }[] = [
  { path: '/ (desk)', page: 'src/desk/DeskPage.vue' },
  { path: '/login', page: 'src/auth/LoginPage.vue' },
  { path: '/field', page: 'src/field/FieldPage.vue' },
  { path: '/report', page: 'src/report/ReportPage.vue' },
  { path: '/qr', page: 'src/report/QrSheetPage.vue' },
  { path: '/admin', page: 'src/admin/AdminPage.vue' },
  { path: '/overview', page: 'src/overview/OverviewPage.vue' },
  { path: '/analysis', page: 'src/analysis/AnalysisPage.vue' },
];
const STARTS = ['index.html', 'src/start.ts'];

interface Chunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
  isDynamicEntry?: boolean;
}
type Manifest = Record<string, Chunk>;

export interface RouteSize {
  path: string;
  /** null: the build has no such page. */
  files: number | null;
  raw: number | null;
  gzip: number | null;
}

/** Every chunk reachable by static imports from `starts`. */
export function staticClosure(manifest: Manifest, starts: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length) {
    const key = todo.pop()!;
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) continue;
    seen.add(chunk.file);
    todo.push(...(chunk.imports ?? []));
  }
  return seen;
}

export function measure(dist: string): RouteSize[] {
  const manifestPath = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: build with build.manifest on`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const sizes = new Map<string, { raw: number; gzip: number }>();
  const size = (file: string) => {
    let s = sizes.get(file);
    if (!s) {
      const bytes = readFileSync(join(dist, file));
      s = { raw: bytes.length, gzip: gzipSync(bytes).length };
      sizes.set(file, s);
    }
    return s;
  };
  return ROUTES.map(({ path, page }) => {
    if (!manifest[page]) return { path, files: null, raw: null, gzip: null };
    const files = [...staticClosure(manifest, [...STARTS, page])].filter((f) => f.endsWith('.js'));
    let raw = 0,
      gzip = 0;
    for (const f of files) {
      const s = size(f);
      raw += s.raw;
      gzip += s.gzip;
    }
    return { path, files: files.length, raw, gzip };
  });
}

const kb = (n: number | null) => (n == null ? '–' : (n / 1024).toFixed(1));

function main(): void {
  let dist = process.env.BENCH_BUNDLE_DIST ? resolve(process.env.BENCH_BUNDLE_DIST) : join(ROOT, 'dist');
  if (!process.env.BENCH_BUNDLE_DIST) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    dist = join(ROOT, 'dist');
  }
  const now = measure(dist);
  const base = process.env.BENCH_BUNDLE_BASE ? measure(resolve(process.env.BENCH_BUNDLE_BASE)) : null;
  const rows = now.map((r, i) => {
    const b = base?.[i];
    const ratio = b?.gzip && r.gzip ? (r.gzip / b.gzip).toFixed(3) : '–';
    return base
      ? `| ${r.path} | ${kb(b!.gzip)} | ${kb(r.gzip)} | ${ratio} | ${kb(b!.raw)} | ${kb(r.raw)} | ${r.files ?? '–'} |`
      : `| ${r.path} | ${kb(r.gzip)} | ${kb(r.raw)} | ${r.files ?? '–'} |`;
  });
  const head = base
    ? '| route | base gzip KiB | this gzip KiB | this ÷ base | base min KiB | this min KiB | chunks |\n|---|---|---|---|---|---|---|'
    : '| route | gzip KiB | min KiB | chunks |\n|---|---|---|---|';
  console.log(`Initial JS per route (${dist})\n\n${head}\n${rows.join('\n')}`);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `bundle-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ dist, now, base }, null, 2));
  console.log(`\n${file}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
