/**
 * The hub's entry point: settings from the environment, createApp, signals.
 * Exit codes: 2 for a bad setting, 1 for a startup failure (database unreachable or not ours).
 */
import { ConfigError, loadConfig, type Config } from './config';
import { createApp } from './app';

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`hub: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

const hub = createApp(config, {
  onDemoAccounts(created, generatedPassword) {
    const lines = [
      `demo accounts created: ${created.join(', ')}`,
      generatedPassword
        ? `their password (shown this once; set DEMO_PASSWORD to choose one): ${generatedPassword}`
        : 'their password is the DEMO_PASSWORD setting',
    ];
    process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  },
});
const SHUTDOWN_DEADLINE_MS = 5_000;

hub.ready.catch((e: unknown) => {
  hub.log.fatal({ err: e }, `startup failed: ${(e as Error).message}`);
  process.stderr.write(`hub: startup failed: ${(e as Error).message}\n`);
  void hub.close().finally(() => process.exit(1));
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  hub.log.info({ signal }, 'shutting down');
  // Whatever happens, the process is gone within the deadline.
  setTimeout(() => {
    hub.log.error('shutdown deadline passed; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  hub.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

hub.listen().catch((e: unknown) => {
  process.stderr.write(`hub: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`);
  process.exit(1);
});
