/**
 * Serves each static layer in two forms (compact columnar, GeoJSON), built once from the
 * database, kept with a content hash for ETag revalidation and pre-compressed on first use
 * for each encoding, so a wall of screens asking at once costs one build, not one per screen.
 *
 * Builds run on the build thread (build-thread.ts) when the hub has one: reading 130k cameras and
 * encoding them is about a second of CPU on a busy machine, which on the main thread held every
 * request and socket (BENCHMARKS.md, "Start-up"). The bytes come back transferred, not copied.
 */
import type { Logger } from 'pino';
import type { WorldRepository } from '../repositories/world.repository';
import { encodePacked } from '@shared/packed';
import { LAYER_NAMES, PACKED_MEDIA_TYPE, type LayerName } from '@shared/layers';
import { KEEP_ALL, LAYERS } from './layer-defs';
import { scopePrefix } from '@shared/auth';
import { BuildCache, CompressedBody, geojsonText, type ContentCoding } from './cached-body';
import { BuildThreadClosedError, type BuildThread, type BuiltBody } from './build-thread';

export { negotiateCoding, type ContentCoding } from './cached-body';

export type LayerFormat = 'compact' | 'geojson';

export interface LayerBody {
  etag: string;
  contentType: string;
  count: number;
  body: Buffer;
  coding: ContentCoding;
}

interface Entry {
  body: CompressedBody;
  count: number;
  /** Milliseconds reading the rows from the database, and encoding them into this form. */
  readMs: number;
  encodeMs: number;
}

export class LayerService {
  private readonly cache = new BuildCache<Entry>();

  constructor(
    private readonly repo: WorldRepository,
    private readonly log: Logger,
    /** Where builds run; without one (or when it fails), on this thread. */
    private readonly builds?: BuildThread,
  ) {}

  /** Drop every cached layer (after the static world changed). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Drop one layer's cached forms (the cameras, after keepalives changed their statuses). */
  invalidateLayer(name: LayerName): void {
    this.cache.clearPrefix(`${name}.`);
  }

  /**
   * A layer as a principal with region scope `scope` may see it: only the features located inside
   * the scope's subtree (city-wide and wider scopes see all). Each scope's form is built once.
   */
  async get(name: LayerName, format: LayerFormat, coding: ContentCoding, scope?: string): Promise<LayerBody> {
    const entry = await this.entry(name, format, scope);
    const body = await entry.body.body(coding);
    return { etag: entry.body.etag, contentType: entry.body.contentType, count: entry.count, body, coding };
  }

  /** Build every compact layer and its brotli form ahead of the first screen. */
  async warm(): Promise<void> {
    try {
      for (const name of LAYER_NAMES) {
        const entry = await this.entry(name, 'compact');
        await entry.body.body('br');
      }
    } catch (e) {
      if (!(e instanceof BuildThreadClosedError)) throw e; // the hub closed while warming
    }
  }

  /** Build times of a layer form in ms (for the benchmark); builds it if needed. */
  async buildTiming(name: LayerName, format: LayerFormat): Promise<{ readMs: number; encodeMs: number }> {
    const e = await this.entry(name, format);
    return { readMs: e.readMs, encodeMs: e.encodeMs };
  }

  async count(name: LayerName, scope?: string): Promise<number> {
    return (await this.entry(name, 'compact', scope)).count;
  }

  private entry(name: LayerName, format: LayerFormat, scope?: string): Promise<Entry> {
    // Scopes of a city or wider see the whole (single-city) world: one shared build.
    const prefix = scope === undefined ? '' : scopePrefix(scope);
    const filtered = prefix.length > 4 ? prefix : '';
    return this.cache.get(`${name}.${format}${filtered ? `@${filtered}` : ''}`, () =>
      this.build(name, format, filtered),
    );
  }

  private async build(name: LayerName, format: LayerFormat, prefix: string): Promise<Entry> {
    let built: BuiltBody | undefined;
    if (this.builds) {
      built = await this.builds.build({ kind: 'layer', name, format, prefix }).catch((e: unknown) => {
        // Closing: drop it. Otherwise the thread failed: build here rather than not at all.
        if (e instanceof BuildThreadClosedError) throw e;
        this.log.warn({ err: e, layer: name }, 'the build thread failed; building the layer here');
        return undefined;
      });
    }
    built ??= await buildLayer(this.repo, name, format, prefix);
    this.log.debug(
      {
        layer: name,
        format,
        bytes: built.raw.byteLength,
        readMs: Math.round(built.readMs),
        encodeMs: Math.round(built.encodeMs),
      },
      'layer built',
    );
    return {
      body: new CompressedBody(built.raw, built.contentType),
      count: built.count,
      readMs: built.readMs,
      encodeMs: built.encodeMs,
    };
  }
}

/** One layer's body, read and encoded on the calling thread (the build thread runs this too). */
export async function buildLayer(
  repo: WorldRepository,
  name: LayerName,
  format: LayerFormat,
  prefix: string,
): Promise<BuiltBody> {
  const t0 = performance.now();
  const rows = await LAYERS[name](repo, prefix ? (code) => code.startsWith(prefix) : KEEP_ALL);
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
  return { raw, contentType, count: rows.count, readMs: t1 - t0, encodeMs: performance.now() - t1 };
}
