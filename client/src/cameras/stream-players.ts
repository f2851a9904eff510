/**
 * Player adapters: attach a stream URL to a <video> with the right engine, report failures as
 * StreamError, and tear everything down on destroy(). The libraries are lazy imports, so the desk
 * loads hls.js (≈ 180 KB gzip) or mpegts.js (≈ 60 KB gzip) only when a card plays that kind of
 * stream. The full hls.js build, not hls.js/light: only the full one demuxes H.265 in MPEG-TS,
 * which is what lets the card say "H.265: the gateway must transcode" instead of a vague failure.
 *
 *   .m3u8 → hls.js over Media Source Extensions; native HLS (Safari, iOS) where MSE is missing.
 *           hls.js first even where the browser also plays HLS natively: its errors say which
 *           request failed with which status, a native <video> only says "failed".
 *   .flv  → mpegts.js (HTTP-FLV, the usual output of Chinese stream gateways, GB/T 28181 → FLV).
 *   other → the browser itself (an .mp4 file, a WebRTC gateway's fallback URL, ...).
 */
import {
  classifyFlvError,
  classifyHlsError,
  classifyNativeError,
  isHevc,
  type NativeProbe,
  type StreamError,
} from './stream-errors';

export type StreamFormat = 'hls' | 'flv' | 'native';
export type PlayerEngine = 'hls.js' | 'mpegts.js' | 'native';

export interface PlayerHandle {
  readonly engine: PlayerEngine;
  /** Stops loading, detaches from the <video> and frees the MediaSource and workers. Idempotent. */
  destroy(): void;
}

export interface AttachOptions {
  /** Called at most once per handle, for a failure that stops playback. */
  onError: (e: StreamError) => void;
}

/** The stream format by the URL's path (query strings such as `?token=` are ignored). */
export function streamFormatOf(url: string): StreamFormat {
  const path = url.split(/[?#]/, 1)[0]!.toLowerCase();
  if (path.endsWith('.m3u8')) return 'hls';
  if (path.endsWith('.flv')) return 'flv';
  return 'native';
}

function hasMse(): boolean {
  return typeof window !== 'undefined' && ('MediaSource' in window || 'ManagedMediaSource' in window);
}

function mseSupports(codec: string): boolean {
  const MS = (window as { MediaSource?: typeof MediaSource }).MediaSource;
  return !!MS && MS.isTypeSupported(`video/mp4; codecs="${codec}"`);
}

/** Thrown (rejected) by attachStream when no engine can play the URL here. */
export class NoPlayerError extends Error {
  readonly streamError: StreamError;
  constructor(detail: string) {
    super(detail);
    this.streamError = { code: 'noPlayer', detail };
  }
}

export async function attachStream(video: HTMLVideoElement, url: string, opts: AttachOptions): Promise<PlayerHandle> {
  const once = onceOnly(opts.onError);
  switch (streamFormatOf(url)) {
    case 'hls':
      if (hasMse()) {
        const { default: Hls } = await import('hls.js');
        if (Hls.isSupported()) return attachHls(Hls, video, url, once);
      }
      if (video.canPlayType('application/vnd.apple.mpegurl')) return attachNative(video, url, once);
      throw new NoPlayerError('HLS: no Media Source Extensions and no native HLS');
    case 'flv': {
      if (!hasMse()) throw new NoPlayerError('HTTP-FLV: no Media Source Extensions');
      const { default: mpegts } = await import('mpegts.js');
      // mpegts.js logs every demuxer step to the console by default; keep warnings and errors.
      mpegts.LoggingControl.applyConfig({ enableVerbose: false, enableDebug: false, enableInfo: false });
      if (!mpegts.isSupported()) throw new NoPlayerError('HTTP-FLV: mpegts.js is not supported here');
      return attachFlv(mpegts, video, url, once);
    }
    case 'native':
      return attachNative(video, url, once);
  }
}

function onceOnly(fn: (e: StreamError) => void): (e: StreamError) => void {
  let done = false;
  return (e) => {
    if (done) return;
    done = true;
    fn(e);
  };
}

type HlsClass = typeof import('hls.js').default;

function attachHls(
  Hls: HlsClass,
  video: HTMLVideoElement,
  url: string,
  onError: (e: StreamError) => void,
): PlayerHandle {
  const hls = new Hls({
    // A command-centre card wants the picture now, not the best rendition later.
    startLevel: 0,
    capLevelToPlayerSize: true,
    // Our own start-up watchdog (useVideoPlayer) bounds the total wait; keep library retries short.
    manifestLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: 8_000,
        maxLoadTimeMs: 8_000,
        timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 1, retryDelayMs: 500, maxRetryDelayMs: 1_000 },
      },
    },
  });
  let destroyed = false;
  hls.on(Hls.Events.ERROR, (_event, data) => {
    const codecProblem =
      data.details === Hls.ErrorDetails.BUFFER_ADD_CODEC_ERROR ||
      data.details === Hls.ErrorDetails.BUFFER_INCOMPATIBLE_CODECS_ERROR ||
      data.details === Hls.ErrorDetails.MANIFEST_INCOMPATIBLE_CODECS_ERROR;
    if (data.fatal || codecProblem) onError(classifyHlsError(data));
  });
  // H.265 found in the segments (no CODECS attribute in the playlist): say so before MSE fails.
  hls.on(Hls.Events.BUFFER_CODECS, (_event, data) => {
    const codec = data.video?.codec ?? data.audiovideo?.codec;
    if (codec && isHevc(codec) && !mseSupports(codec)) {
      onError({ code: 'codec', codec, detail: `bufferCodecs: ${codec} not supported by Media Source Extensions` });
    }
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    engine: 'hls.js',
    destroy() {
      if (destroyed) return;
      destroyed = true;
      hls.destroy();
    },
  };
}

type Mpegts = typeof import('mpegts.js').default;

function attachFlv(
  mpegts: Mpegts,
  video: HTMLVideoElement,
  url: string,
  onError: (e: StreamError) => void,
): PlayerHandle {
  const player = mpegts.createPlayer(
    { type: 'flv', url, isLive: false },
    {
      // Start as soon as the first frames arrive; a live gateway's stream is played the same way.
      enableStashBuffer: false,
      lazyLoad: false,
      // Keep the buffer small on a wall PC running many cards for hours.
      autoCleanupSourceBuffer: true,
    },
  );
  let destroyed = false;
  player.on(mpegts.Events.ERROR, (type: string, details: string, info: { code?: number; msg?: string } | undefined) => {
    onError(classifyFlvError(type, details, info));
  });
  player.on(mpegts.Events.MEDIA_INFO, (info: { videoCodec?: string }) => {
    const codec = info.videoCodec;
    if (codec && isHevc(codec) && !mseSupports(codec)) {
      onError({ code: 'codec', codec, detail: `mediaInfo: ${codec} not supported by Media Source Extensions` });
    }
  });
  player.attachMediaElement(video);
  player.load();
  return {
    engine: 'mpegts.js',
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        player.pause();
        player.unload();
        player.detachMediaElement();
      } finally {
        player.destroy();
      }
    },
  };
}

function attachNative(video: HTMLVideoElement, url: string, onError: (e: StreamError) => void): PlayerHandle {
  let destroyed = false;
  const onMediaError = () => {
    const err = video.error;
    // A native <video> does not tell a 404 from a bad codec: ask the server what it answers.
    fetch(url, { method: 'GET', cache: 'no-store' })
      .then((r): NativeProbe => {
        void r.body?.cancel();
        return { status: r.status, html: (r.headers.get('content-type') ?? '').includes('text/html') };
      })
      .catch((): NativeProbe => ({ status: 0, html: false }))
      .then((probe) => {
        if (!destroyed) onError(classifyNativeError(err?.code, err?.message ?? '', probe));
      })
      .catch(() => undefined);
  };
  video.addEventListener('error', onMediaError);
  video.src = url;
  return {
    engine: 'native',
    destroy() {
      if (destroyed) return;
      destroyed = true;
      video.removeEventListener('error', onMediaError);
    },
  };
}
