import { defineConfig } from 'vitest/config';
import { aliases } from './vite.config';

// Two tiers (see ARCHITECTURE.md): unit = pure logic, no I/O; integration = real database,
// real HTTP server on an ephemeral port. Browser tests run under Playwright (playwright.config.ts).
export default defineConfig({
  resolve: { alias: aliases },
  test: {
    projects: [
      {
        // Inherit the root options (the aliases).
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // Seeded database templates, made once (provision({ seeded: true }) copies them).
          globalSetup: ['tests/integration/global-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // PGlite is single-process WASM; keep files in one fork to stay inside 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
