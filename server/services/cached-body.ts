/**
 * Built-once HTTP bodies (extracted from layer.service.ts so the basemap serves its sources the
 * same way): a body kept with a content-hash ETag and compressed on first use for each encoding,
 * and a build cache that shares one build between concurrent requests and forgets a failed one.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zc, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type ContentCoding = 'br' | 'gzip' | 'identity';

export class CompressedBody {
  readonly etag: string;
  private readonly encoded: Partial<Record<Exclude<ContentCoding, 'identity'>, Promise<Buffer>>> = {};

  constructor(
    readonly raw: Buffer,
    readonly contentType: string,
  ) {
    this.etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
  }

  /** The body in an encoding, compressed once and kept. */
  body(coding: ContentCoding): Promise<Buffer> {
    if (coding === 'identity') return Promise.resolve(this.raw);
    let p = this.encoded[coding];
    if (!p) {
      // Quality 5 / level 6: most of the gain at a fraction of the maximum's CPU time.
      p =
        coding === 'br'
          ? brotli(this.raw, {
              params: { [zc.BROTLI_PARAM_QUALITY]: 5, [zc.BROTLI_PARAM_SIZE_HINT]: this.raw.byteLength },
            })
          : gzipAsync(this.raw, { level: 6 });
      this.encoded[coding] = p;
    }
    return p;
  }
}

/** One build per key, shared by everyone asking while it runs; a failed build is not kept. */
export class BuildCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  get(key: string, build: () => Promise<T>): Promise<T> {
    let p = this.entries.get(key);
    if (!p) {
      p = build();
      // A failed build is not cached: the next request tries again.
      p.catch(() => this.entries.delete(key));
      this.entries.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drop the entries whose key starts with `prefix`. */
  clearPrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** Stream features into one JSON text without building the whole FeatureCollection object. */
export function geojsonText(features: Iterable<unknown>): string {
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
