/**
 * Serves each static layer in two forms (compact columnar, GeoJSON), built once from the
 * database, kept with a content hash for ETag revalidation and pre-compressed on first use
 * for each encoding, so a wall of screens asking at once costs one build, not one per screen.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zc, gzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { WorldRepository } from '../repositories/world.repository';
import { encodePacked } from '../../shared/packed';
import { LAYER_NAMES, PACKED_MEDIA_TYPE, type LayerName } from '../../shared/layers';
import { LAYERS } from './layer-defs';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type LayerFormat = 'compact' | 'geojson';
export type ContentCoding = 'br' | 'gzip' | 'identity';

export interface LayerBody {
  etag: string;
  contentType: string;
  count: number;
  body: Buffer;
  coding: ContentCoding;
}

interface Entry {
  etag: string;
  contentType: string;
  count: number;
  raw: Buffer;
  /** Milliseconds reading the rows from the database, and encoding them into this form. */
  readMs: number;
  encodeMs: number;
  encoded: Partial<Record<Exclude<ContentCoding, 'identity'>, Promise<Buffer>>>;
}

export class LayerService {
  private readonly cache = new Map<string, Promise<Entry>>();

  constructor(
    private readonly repo: WorldRepository,
    private readonly log: Logger,
  ) {}

  /** Drop every cached layer (after the static world changed). */
  invalidate(): void {
    this.cache.clear();
  }

  async get(name: LayerName, format: LayerFormat, coding: ContentCoding): Promise<LayerBody> {
    const entry = await this.entry(name, format);
    const body = coding === 'identity' ? entry.raw : await this.encoded(entry, coding);
    return { etag: entry.etag, contentType: entry.contentType, count: entry.count, body, coding };
  }

  /** Build every compact layer and its brotli form ahead of the first screen. */
  async warm(): Promise<void> {
    for (const name of LAYER_NAMES) {
      const entry = await this.entry(name, 'compact');
      await this.encoded(entry, 'br');
    }
  }

  /** Build times of a layer form in ms (for the benchmark); builds it if needed. */
  async buildTiming(name: LayerName, format: LayerFormat): Promise<{ readMs: number; encodeMs: number }> {
    const e = await this.entry(name, format);
    return { readMs: e.readMs, encodeMs: e.encodeMs };
  }

  async count(name: LayerName): Promise<number> {
    return (await this.entry(name, 'compact')).count;
  }

  private entry(name: LayerName, format: LayerFormat): Promise<Entry> {
    const key = `${name}.${format}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.build(name, format);
      // A failed build is not cached: the next request tries again.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  private async build(name: LayerName, format: LayerFormat): Promise<Entry> {
    const t0 = performance.now();
    const rows = await LAYERS[name](this.repo);
    const t1 = performance.now();
    let raw: Buffer;
    let contentType: string;
    if (format === 'compact') {
      const bytes = encodePacked(name, rows.geometry, rows.count, rows.columns());
      raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      contentType = PACKED_MEDIA_TYPE;
    } else {
      raw = Buffer.from(geojsonText(rows.features()));
      contentType = 'application/geo+json';
    }
    const t2 = performance.now();
    const etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    this.log.debug({ layer: name, format, bytes: raw.byteLength, readMs: Math.round(t1 - t0), encodeMs: Math.round(t2 - t1) }, 'layer built');
    return { etag, contentType, count: rows.count, raw, readMs: t1 - t0, encodeMs: t2 - t1, encoded: {} };
  }

  private encoded(entry: Entry, coding: 'br' | 'gzip'): Promise<Buffer> {
    let p = entry.encoded[coding];
    if (!p) {
      // Quality 5 / level 6: most of the gain at a fraction of the maximum's CPU time.
      p =
        coding === 'br'
          ? brotli(entry.raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 5, [zc.BROTLI_PARAM_SIZE_HINT]: entry.raw.byteLength } })
          : gzipAsync(entry.raw, { level: 6 });
      entry.encoded[coding] = p;
    }
    return p;
  }
}

/** Stream features into one JSON text without building the whole FeatureCollection object. */
function geojsonText(features: Iterable<unknown>): string {
  const parts: string[] = ['{"type":"FeatureCollection","features":['];
  let first = true;
  for (const f of features) {
    parts.push(first ? JSON.stringify(f) : ',' + JSON.stringify(f));
    first = false;
  }
  parts.push(']}');
  return parts.join('');
}

/** Pick br, then gzip, from an Accept-Encoding header (q=0 excludes). */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(token, q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (c: string): boolean => (accepted.get(c) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}
