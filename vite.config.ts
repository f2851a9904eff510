import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { i18nPrecompile } from './scripts/i18n-precompile';

// The hub (server/main.ts) serves the built client from ./dist; in `vite` dev mode (`npm run dev`)
// this proxy sends API, probe and socket traffic to a hub running on its default port. The Host
// header is passed through unchanged so the hub's Origin check sees the page's own origin.
const HUB = process.env.HUB_URL ?? 'http://localhost:8080';

/** The path aliases of tsconfig.base.json (tsx and the type checker read them there). */
export const aliases = {
  '@shared': fileURLToPath(new URL('./shared', import.meta.url)),
  '@server': fileURLToPath(new URL('./server', import.meta.url)),
  '@client': fileURLToPath(new URL('./client/src', import.meta.url)),
};

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  // The i18n messages are compiled at build time (scripts/i18n-precompile.ts), so the client takes
  // vue-i18n's runtime-only build: no message compiler in the bundle, nothing that could need eval.
  plugins: [i18nPrecompile(), vue()],
  resolve: {
    // deck.gl's WebGL-only builds: the map draws into MapLibre's WebGL2 context (interleaved), so
    // deck.gl's WebGPU paths are never taken; dropping them takes ~29 KB gzip off the desk's first
    // load (BENCHMARKS.md, issue 16).
    conditions: ['visgl:webgl-only', ...defaultClientConditions],
    alias: [
      ...Object.entries(aliases).map(([find, replacement]) => ({ find, replacement })),
      { find: /^vue-i18n$/, replacement: 'vue-i18n/dist/vue-i18n.runtime.mjs' },
    ],
  },
  define: {
    // vue-i18n feature flags: Composition API only, no devtools hooks in production bundles.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    // Messages arrive compiled (above): leave vue-i18n's compiler out.
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // bench/bundle.ts reads which chunks each route needs before it renders.
    manifest: true,
    // Route pages are lazy imports (client/src/router), so each screen (overview, wall, desk,
    // field, citizen) becomes its own chunk and loads only what it uses.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': { target: HUB },
      '/socket.io': { target: HUB, ws: true },
      '/healthz': { target: HUB },
      '/readyz': { target: HUB },
    },
  },
});
