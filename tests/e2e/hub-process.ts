/**
 * A hub of a browser test's own, in a child process, so the test can stop, kill and start it
 * (hub-restart.spec.ts, wall-restart.spec.ts): the small demo city in its own data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DEMO_PASSWORD } from './login';

export const HUB_START_MS = 90_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface HubProcess {
  child: ChildProcess;
  output: () => string;
}

export function startHub(port: number, dataDir: string, seed: number, env: Record<string, string> = {}): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_SCALE: 'small',
      DEMO_SEED: String(seed),
      DEMO_PASSWORD,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Until the hub answers /readyz with 200 (or has exited, or HUB_START_MS passed: thrown). */
export async function waitUntilReady(base: string, hub: HubProcess): Promise<void> {
  const deadline = Date.now() + HUB_START_MS;
  while (Date.now() < deadline) {
    if (hub.child.exitCode !== null) throw new Error(`hub exited ${hub.child.exitCode}:\n${hub.output()}`);
    const res = await fetch(`${base}/readyz`).catch(() => null);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hub not ready within ${HUB_START_MS} ms:\n${hub.output()}`);
}

/** Stops the hub (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it to exit. */
export function stopHub(hub: HubProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hub.child.exitCode !== null || hub.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    hub.child.once('exit', () => resolve());
    hub.child.kill(signal);
  });
}
