/**
 * Why a stream does not play, in terms a dispatcher can act on. Pure: the player adapters
 * (stream-players.ts) hand their library's error data here, and the card turns the result into a
 * sentence (cameras.error.* in the i18n files). tests/unit/camera-stream-errors.test.ts.
 */

export type StreamErrorCode =
  /** The server answered 404 for the playlist / file / segment. */
  | 'notFound'
  /** Another HTTP error status. */
  | 'http'
  /** No answer at all (connection refused, DNS, CORS, network down). */
  | 'network'
  /** A 200 answer that is not an HLS playlist (typically an HTML page for a wrong URL). */
  | 'badManifest'
  /** A 200 answer that is not FLV / MPEG-TS data. */
  | 'badFormat'
  /** The browser cannot decode the video codec (H.265 from many cameras): a gateway must transcode. */
  | 'codec'
  /** Decoding or buffering failed for another reason. */
  | 'media'
  /** Nothing played within the start-up time limit, or playback stalled for as long. */
  | 'timeout'
  /** This browser has neither Media Source Extensions nor native HLS. */
  | 'noPlayer'
  /** The browser refused to start playback without a click (autoplay policy, even muted). */
  | 'autoplay';

export interface StreamError {
  code: StreamErrorCode;
  /** HTTP status where there was one. */
  status?: number;
  /** The codec string where the problem is the codec ("hvc1.1.6.L93.B0"). */
  codec?: string;
  /** For `timeout`: the limit that ran out, ms. */
  timeoutMs?: number;
  /** The library's own words, for the tooltip and the logs. */
  detail: string;
}

/** `unsupported` errors cannot be fixed by retrying: the browser or the stream format must change. */
export function isUnsupported(e: StreamError): boolean {
  return e.code === 'codec' || e.code === 'noPlayer';
}

/** H.265 / HEVC codec strings as they appear in HLS CODECS and MSE MIME types. */
export function isHevc(codec: string): boolean {
  return /\b(hvc1|hev1|hevc|h265|h\.265)\b/i.test(codec);
}

/** The codec list of an MSE MIME type: 'video/mp4;codecs="hvc1.1.6.L93.B0"' → 'hvc1.1.6.L93.B0'. */
export function codecOf(mimeType: string | undefined): string | undefined {
  if (!mimeType) return undefined;
  const m = /codecs\s*=\s*"?([^";]+)"?/i.exec(mimeType);
  return m?.[1]?.trim();
}

function fromStatus(status: number | undefined, detail: string): StreamError {
  if (status === 404 || status === 410) return { code: 'notFound', status, detail };
  if (status && status >= 400) return { code: 'http', status, detail };
  return { code: 'network', ...(status ? { status } : {}), detail };
}

/** The part of hls.js's ErrorData the classifier reads (kept structural: no hls.js import here). */
export interface HlsErrorLike {
  type: string;
  details: string;
  fatal: boolean;
  response?: { code?: number | undefined; text?: string | undefined } | undefined;
  mimeType?: string | undefined;
  reason?: string | undefined;
  error?: Error | undefined;
}

/** hls.js error → StreamError. Only called for fatal errors and codec errors. */
export function classifyHlsError(data: HlsErrorLike): StreamError {
  const detail = [data.details, data.reason ?? data.error?.message].filter(Boolean).join(': ');
  switch (data.details) {
    case 'manifestLoadError':
    case 'levelLoadError':
    case 'fragLoadError':
    case 'keyLoadError':
      return fromStatus(data.response?.code, detail);
    case 'manifestLoadTimeOut':
    case 'levelLoadTimeOut':
    case 'fragLoadTimeOut':
      return { code: 'timeout', detail };
    case 'manifestParsingError':
    case 'levelParsingError':
    case 'levelEmptyError':
      return { code: 'badManifest', detail };
    case 'manifestIncompatibleCodecsError':
    case 'bufferIncompatibleCodecsError':
    case 'bufferAddCodecError': {
      const codec = codecOf(data.mimeType) ?? /(hvc1|hev1|avc1|av01|vp09|mp4a)[\w.]*/i.exec(detail)?.[0];
      return { code: 'codec', ...(codec ? { codec } : {}), detail };
    }
    case 'fragParsingError':
      return { code: 'badFormat', detail };
    default:
      return data.type === 'networkError' ? fromStatus(data.response?.code, detail) : { code: 'media', detail };
  }
}

/** mpegts.js ERROR event arguments → StreamError. */
export function classifyFlvError(
  type: string,
  details: string,
  info: { code?: number; msg?: string } | undefined,
): StreamError {
  const msg = info?.msg ?? '';
  const detail = [type, details, msg].filter(Boolean).join(': ');
  switch (details) {
    case 'HttpStatusCodeInvalid':
      return fromStatus(info?.code, detail);
    case 'Exception':
    case 'UnrecoverableEarlyEof':
      return { code: 'network', detail };
    case 'ConnectingTimeout':
      return { code: 'timeout', detail };
    case 'CodecUnsupported':
      return { code: 'codec', ...(codecFromText(msg) ? { codec: codecFromText(msg)! } : {}), detail };
    case 'FormatError':
    case 'FormatUnsupported':
      return { code: 'badFormat', detail };
    case 'MediaMSEError':
      // addSourceBuffer throws NotSupportedError for a codec MSE cannot decode.
      if (/not ?supported/i.test(msg) || isHevc(msg)) {
        const codec = codecFromText(msg);
        return { code: 'codec', ...(codec ? { codec } : {}), detail };
      }
      return { code: 'media', detail };
    default:
      return type === 'NetworkError' ? { code: 'network', detail } : { code: 'media', detail };
  }
}

function codecFromText(text: string): string | undefined {
  return /(hvc1|hev1|avc1|av01|vp09)[\w.]*/i.exec(text)?.[0] ?? (isHevc(text) ? 'H.265' : undefined);
}

/** What a GET of the stream URL answered after a native <video> failed (status 0: no answer). */
export interface NativeProbe {
  status: number;
  /** The answer was an HTML page (an SPA fallback or an error page, not a stream). */
  html: boolean;
}

/**
 * A native <video> error (Safari's HLS, no library) → StreamError. MediaError says little, so the
 * adapter probes the URL after the failure and the answer decides between address and codec.
 */
export function classifyNativeError(
  mediaErrorCode: number | undefined,
  message: string,
  probe: NativeProbe | undefined,
): StreamError {
  const detail = `MediaError ${mediaErrorCode ?? '?'}${message ? `: ${message}` : ''}`;
  if (probe && probe.status !== 200) return fromStatus(probe.status || undefined, detail);
  if (probe?.html) return { code: 'badManifest', status: 200, detail };
  if (isHevc(message)) return { code: 'codec', codec: 'H.265', detail };
  // MEDIA_ERR_NETWORK = 2, MEDIA_ERR_DECODE = 3, MEDIA_ERR_SRC_NOT_SUPPORTED = 4
  if (mediaErrorCode === 2) return { code: 'network', detail };
  if (mediaErrorCode === 4) return { code: 'badFormat', detail };
  return { code: 'media', detail };
}
