/**
 * The build thread (see build-thread.ts): layers and basemap sources read and encoded here, the
 * bytes transferred back. Plain JavaScript that loads the TypeScript services through tsx's API,
 * so it starts under tsx, vitest and node alike.
 *
 * workerData: {connection} (db/connect.ts ThreadConnection). In: {id, job}. Out: {id, ok, raw,
 * contentType, count, readMs, encodeMs} (raw's buffer transferred) | {id, ok: false, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { tsImport } from 'tsx/esm/api';

// Background work: on Linux this nices this thread alone (setpriority applies to the calling
// thread there), so the hub's main thread goes first when the cores are busy.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    /* not allowed: run at the normal priority */
  }
}

const { openThreadDatabase } = await tsImport('../db/connect.ts', import.meta.url);
const { WorldRepository } = await tsImport('../repositories/world.repository.ts', import.meta.url);
const { buildLayer } = await tsImport('./layer.service.ts', import.meta.url);
const { buildBasemapSource } = await tsImport('./basemap-sources.ts', import.meta.url);

const database = openThreadDatabase(workerData.connection);
const repo = new WorldRepository(database.db);

async function run(job) {
  if (job.kind === 'layer') return buildLayer(repo, job.name, job.format, job.prefix);
  if (job.kind === 'basemap') return buildBasemapSource(repo, job.name);
  throw new Error(`unknown build ${job.kind}`);
}

parentPort.on('message', ({ id, job }) => {
  run(job).then(
    (b) => {
      // A copy only when the bytes share a buffer with something else (Buffer's pool): transfer moves the rest.
      const raw =
        b.raw.byteOffset === 0 && b.raw.byteLength === b.raw.buffer.byteLength
          ? new Uint8Array(b.raw.buffer)
          : new Uint8Array(b.raw);
      parentPort.postMessage(
        { id, ok: true, raw, contentType: b.contentType, count: b.count, readMs: b.readMs, encodeMs: b.encodeMs },
        [raw.buffer],
      );
    },
    (e) => parentPort.postMessage({ id, ok: false, message: String(e?.message ?? e) }),
  );
});
