import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The hub (server/main.ts) serves the built client from ./dist; in `vite` dev mode this proxy sends
// API, probe and socket traffic to a hub running on its default port.
const HUB = process.env.HUB_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  plugins: [vue()],
  define: {
    // vue-i18n feature flags: Composition API only, no devtools hooks in production bundles.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Route pages are lazy imports (client/src/router), so each screen (overview, wall, desk,
    // field, citizen) becomes its own chunk and loads only what it uses.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': { target: HUB, changeOrigin: true },
      '/socket.io': { target: HUB, ws: true, changeOrigin: true },
      '/healthz': { target: HUB, changeOrigin: true },
      '/readyz': { target: HUB, changeOrigin: true },
    },
  },
});
