/**
 * A screen left open must survive a hub restart on its own: the indicator goes reconnecting → live,
 * and the world is reloaded from the new hub (a new bootId), not kept from the old one.
 * This test runs its own hub process so it can stop and start it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { worldSummary, type WorldSummary } from '../../shared/api';

const HUB_START_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface HubProcess {
  child: ChildProcess;
  output: () => string;
}

function startHub(port: number, dataDir: string, seed: number): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_SCALE: 'small',
      DEMO_SEED: String(seed),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitReady(base: string, hub: HubProcess): Promise<WorldSummary> {
  const deadline = Date.now() + HUB_START_MS;
  while (Date.now() < deadline) {
    if (hub.child.exitCode !== null) throw new Error(`hub exited ${hub.child.exitCode}:\n${hub.output()}`);
    const res = await fetch(`${base}/readyz`).catch(() => null);
    if (res?.status === 200) return worldSummary.parse(await (await fetch(`${base}/api/v1/world/summary`)).json());
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hub not ready within ${HUB_START_MS} ms:\n${hub.output()}`);
}

function stopHub(hub: HubProcess): Promise<void> {
  if (hub.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    hub.child.once('exit', () => resolve());
    hub.child.kill('SIGTERM');
  });
}

let hub: HubProcess | undefined;
test.afterEach(async () => {
  if (hub) await stopHub(hub);
});

test('after a hub restart the screen reconnects and reloads the world from the new hub', async ({ page }) => {
  test.setTimeout(HUB_START_MS * 2 + 30_000);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  hub = startHub(port, '.e2e-data/restart-1', 1);
  const first = await waitReady(base, hub);

  const summaryLoads: string[] = [];
  page.on('requestfinished', (r) => {
    if (r.url().endsWith('/api/v1/world/summary')) summaryLoads.push(r.url());
  });
  await page.goto(`${base}/overview`);
  const conn = page.getByTestId('connection-state');
  const cameras = page.getByTestId('stat-cameras').getByTestId('stat-value');
  await expect(conn).toHaveAttribute('data-state', 'live');
  await expect(cameras).toHaveText(first.counts.cameras.toLocaleString('en-US'));
  const loadsBefore = summaryLoads.length;

  // Stop the hub: the screen keeps its figures and says it is reconnecting.
  await stopHub(hub);
  await expect(conn).toHaveAttribute('data-state', 'reconnecting');
  await expect(cameras).toHaveText(first.counts.cameras.toLocaleString('en-US'));

  // A new hub on the same address, with another demo city (another seed, another data folder).
  hub = startHub(port, '.e2e-data/restart-2', 2);
  const second = await waitReady(base, hub);
  await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect.poll(() => summaryLoads.length, { timeout: 20_000 }).toBeGreaterThan(loadsBefore);
  await expect(cameras).toHaveText(second.counts.cameras.toLocaleString('en-US'));
  await expect(page.getByTestId('district-row')).toHaveCount(second.districts.length);
});
