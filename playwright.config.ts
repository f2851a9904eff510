import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/e2e/chromium';
import { DEMO_PASSWORD } from './tests/e2e/login';

// Browser tests run against a real hub started fresh for the run: its own port, its own data folder
// (deleted first), the small demo city. Playwright cannot download browsers here; Debian's Chromium
// is used (.ci/run installs it).
const PORT = Number(process.env.E2E_PORT ?? 8091);
// 127.0.0.1 rather than localhost on purpose: Socket.IO's client only reacts to the browser's
// 'offline' event for hosts other than "localhost", and the reconnect test relies on it.
const BASE_URL = `http://127.0.0.1:${PORT}`;
// Everything the e2e hubs write lives under .e2e-data/ (git-ignored), wiped at the start of a run.
const DATA_DIR = '.e2e-data/hub';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    // build-if-needed makes a bare `npx playwright test` work too (it is a no-op when dist is fresh).
    command: `node scripts/build-if-needed.mjs && rm -rf .e2e-data && exec node --import tsx server/main.ts`,
    url: `${BASE_URL}/readyz`,
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR,
      DEMO_SCALE: 'small',
      // No year of history (issue 16): the e2e tests count the incidents and alarms they make.
      DEMO_HISTORY_MONTHS: '0',
      LOG_LEVEL: 'warn',
      // Always the embedded database in its fresh folder, whatever the calling shell has set.
      DATABASE_URL: '',
      // No simulated events: the screens under test show only what the tests send.
      SIMULATOR: 'off',
      // Nor simulated staff acting on what the tests create (it follows SIMULATOR; said here too).
      SIMULATOR_STAFF: 'off',
      ABSENCE_SWEEP_MS: '0',
      // Nor SLA breaches of earlier tests' incidents popping up over later tests (the sweep has its integration test).
      SLA_SWEEP_MS: '0',
      // Nor coverage-gap alarms of units that earlier tests sent out (the sweep has its integration test).
      COVERAGE_SWEEP_MS: '0',
      // Every spec signs in from 127.0.0.1: the whole suite passes the default 100 sign-ins per
      // address in 15 minutes (the limiter has its own test: tests/integration/auth-flows.test.ts).
      RATE_LIMIT_LOGIN_PER_15MIN: '1000',
      INGEST_API_KEY: 'e2e-ingest-key-0123456789',
      // The demo accounts' password, which tests/e2e/login.ts signs in with; not production (no forced 2FA).
      DEMO_PASSWORD,
      NODE_ENV: '',
    },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 6_000 },
  },
});
