/**
 * The layer worker: fetches static layers in the compact form and keeps the search index, off
 * the main thread. The main thread gets each layer's bytes (transferred, not copied) and views
 * them in place; string columns (130k camera names) are decoded here, once, for search.
 */
import { decodePacked } from '@shared/packed';
import { buildSearchIndex, searchIndex, type SearchEntry, type SearchHit } from './layerSearch';
import type { LayerName } from '@shared/layers';

export type WorkerRequest =
  | { type: 'load'; id: number; name: LayerName; url: string }
  | { type: 'search'; id: number; query: string; limit: number };

export type WorkerResponse =
  | { type: 'loaded'; id: number; name: LayerName; bytes: ArrayBuffer }
  | { type: 'searched'; id: number; hits: SearchHit[] }
  | { type: 'error'; id: number; message: string };

/** Which columns of which layers are searchable, and how an entry is labelled. */
const SEARCHABLE: Partial<Record<LayerName, { key: string; label: string }>> = {
  cameras: { key: 'id', label: 'name' },
  grids: { key: 'code', label: 'name' },
  communities: { key: 'code', label: 'name' },
  streets: { key: 'code', label: 'name' },
  districts: { key: 'code', label: 'name' },
  facilities: { key: 'id', label: 'name' },
  'smart-communities': { key: 'id', label: 'name' },
};

let entries: SearchEntry[] = [];
let index = buildSearchIndex(entries);

const post = (msg: WorkerResponse, transfer: Transferable[] = []): void => {
  (self as unknown as Worker).postMessage(msg, transfer);
};

async function load(req: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  const res = await fetch(req.url);
  if (!res.ok) throw new Error(`layer ${req.name}: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  const spec = SEARCHABLE[req.name];
  if (spec) {
    const layer = decodePacked(bytes);
    const keys = layer.strings(spec.key);
    const labels = layer.strings(spec.label);
    // A reload (the hub restarted) replaces this layer's entries.
    entries = entries.filter((e) => e.layer !== req.name);
    for (let i = 0; i < keys.length; i++)
      entries.push({ layer: req.name, index: i, key: keys[i] ?? '', label: labels[i] ?? '' });
    index = buildSearchIndex(entries);
  }
  post({ type: 'loaded', id: req.id, name: req.name, bytes }, [bytes]);
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  if (req.type === 'load') {
    load(req).catch((e: unknown) => post({ type: 'error', id: req.id, message: (e as Error).message }));
  } else {
    post({ type: 'searched', id: req.id, hits: searchIndex(index, req.query, req.limit) });
  }
};
