/**
 * The map's settings and the built-in offline basemap: the map config the client sets up with, the
 * built-in style (basemap-style.ts), and its GeoJSON sources (basemap-sources.ts) built once from
 * the database, cached with an ETag and compressed once per encoding like the static layers
 * (cached-body.ts). Railways come from the railway layer the hub already serves. Sources are built
 * on the build thread when the hub has one (build-thread.ts): the roads and the borders are tens
 * of thousands of coordinates to walk and serialise, which held the main thread.
 */
import type { Logger } from 'pino';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { WorldRepository } from '../repositories/world.repository';
import type { WorldService } from './world.service';
import { BuildCache, CompressedBody, type ContentCoding } from './cached-body';
import { BuildThreadClosedError, type BuildThread, type BuiltBody } from './build-thread';
import { buildBasemapSource } from './basemap-sources';
import { buildBasemapStyle } from './basemap-style';
import { BUILT_IN_STYLE_URL, type BasemapSource, type MapConfig, type MapCrs } from '@shared/map';

export interface MapSettings {
  /** MAP_STYLE_URL: another style for the basemap; undefined for the built-in one. */
  styleUrl: string | undefined;
  /** MAP_CRS: coordinate system of that style's tiles. */
  crs: MapCrs;
}

export interface BasemapSourceBody {
  etag: string;
  contentType: string;
  count: number;
  body: Buffer;
  coding: ContentCoding;
}

export class BasemapService {
  private readonly cache = new BuildCache<{ body: CompressedBody; count: number }>();

  constructor(
    private readonly repo: WorldRepository,
    private readonly world: WorldService,
    private readonly settings: MapSettings,
    private readonly log: Logger,
    /** Where source builds run; without one (or when it fails), on this thread. */
    private readonly builds?: BuildThread,
  ) {
    if (!settings.styleUrl && settings.crs !== 'wgs84') {
      log.warn(
        { crs: settings.crs },
        'MAP_CRS applies to the tiles of MAP_STYLE_URL, which is not set: the built-in basemap is WGS84, so the map uses wgs84',
      );
    }
  }

  /** What the client needs to set up the map: style, its CRS, and where the city is. */
  async mapConfig(): Promise<MapConfig> {
    const [provenance, city] = await Promise.all([this.world.provenance(), this.repo.city()]);
    const bounds = provenance?.bbox ?? [0, 0, 0, 0];
    return {
      styleUrl: this.settings.styleUrl ?? BUILT_IN_STYLE_URL,
      builtInStyleUrl: BUILT_IN_STYLE_URL,
      crs: this.settings.styleUrl ? this.settings.crs : 'wgs84',
      bounds,
      center: city ? [city.centerLon, city.centerLat] : [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2],
    };
  }

  /** The built-in style, its sources on `origin` (scheme://host:port of the hub, as the browser sees it). */
  async style(origin: string): Promise<StyleSpecification> {
    const city = await this.repo.city();
    return buildBasemapStyle(origin, {
      name: city?.name ?? '',
      center: city ? [city.centerLon, city.centerLat] : undefined,
    });
  }

  async source(name: BasemapSource, coding: ContentCoding): Promise<BasemapSourceBody> {
    const entry = await this.cache.get(name, () => this.build(name));
    return {
      etag: entry.body.etag,
      contentType: entry.body.contentType,
      count: entry.count,
      body: await entry.body.body(coding),
      coding,
    };
  }

  /** Drop the built sources (after the basemap changed). */
  invalidate(): void {
    this.cache.clear();
  }

  private async build(name: BasemapSource): Promise<{ body: CompressedBody; count: number }> {
    let built: BuiltBody | undefined;
    if (this.builds) {
      built = await this.builds.build({ kind: 'basemap', name }).catch((e: unknown) => {
        // Closing: drop it. Otherwise the thread failed: build here rather than not at all.
        if (e instanceof BuildThreadClosedError) throw e;
        this.log.warn({ err: e, source: name }, 'the build thread failed; building the basemap source here');
        return undefined;
      });
    }
    built ??= await buildBasemapSource(this.repo, name);
    this.log.debug(
      {
        source: name,
        features: built.count,
        bytes: built.raw.byteLength,
        ms: Math.round(built.readMs + built.encodeMs),
      },
      'basemap source built',
    );
    return { body: new CompressedBody(built.raw, built.contentType), count: built.count };
  }
}
