// Runs `vite build` only when dist/index.html is missing or older than any input of the client build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';

const INPUTS = ['client', 'shared', 'public', 'vite.config.ts', 'package-lock.json'];

/** Newest modification time (ms) of a file, or of any file under a folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), st.mtimeMs);
}

const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : -1;
const changed = Math.max(...INPUTS.map(newest));
if (built < changed) {
  console.log('build-if-needed: client sources changed, running vite build');
  execSync('npx vite build', { stdio: 'inherit' });
} else {
  console.log('build-if-needed: dist is up to date');
}
