/**
 * From a player library's error to what the card says: table-driven over the error data hls.js
 * and mpegts.js really emit (shapes taken from their sources and from the runs in Chromium).
 */
import { describe, expect, it } from 'vitest';
import {
  classifyFlvError,
  classifyHlsError,
  classifyNativeError,
  codecOf,
  isHevc,
  isUnsupported,
  type HlsErrorLike,
  type StreamError,
} from '@client/cameras/stream-errors';
import { streamErrorMessage } from '@client/cameras/stream-messages';
import { streamFormatOf } from '@client/cameras/stream-players';
import zhCN from '@client/i18n/zh-CN';

const hls = (details: string, extra: Partial<HlsErrorLike> = {}): HlsErrorLike => ({
  type:
    details.startsWith('manifest') || details.startsWith('frag') || details.startsWith('level')
      ? 'networkError'
      : 'mediaError',
  details,
  fatal: true,
  ...extra,
});

describe('classifyHlsError', () => {
  it.each<[string, HlsErrorLike, Partial<StreamError>]>([
    [
      'playlist 404',
      hls('manifestLoadError', { response: { code: 404, text: 'Not Found' } }),
      { code: 'notFound', status: 404 },
    ],
    ['playlist 500', hls('manifestLoadError', { response: { code: 500 } }), { code: 'http', status: 500 }],
    ['playlist, no answer', hls('manifestLoadError', { response: { code: 0 } }), { code: 'network' }],
    ['segment 404', hls('fragLoadError', { response: { code: 404 } }), { code: 'notFound', status: 404 }],
    [
      'HTML instead of a playlist',
      hls('manifestParsingError', { reason: 'no EXTM3U delimiter' }),
      { code: 'badManifest' },
    ],
    ['playlist timeout', hls('manifestLoadTimeOut'), { code: 'timeout' }],
    [
      'H.265 in the playlist CODECS',
      hls('manifestIncompatibleCodecsError', { reason: 'no level with compatible codecs found in manifest' }),
      { code: 'codec' },
    ],
    [
      'H.265 refused by MSE',
      hls('bufferAddCodecError', {
        mimeType: 'video/mp4;codecs=hvc1.1.6.L93.B0',
        error: new Error('NotSupportedError'),
      }),
      { code: 'codec', codec: 'hvc1.1.6.L93.B0' },
    ],
    ['garbage segments', hls('fragParsingError'), { code: 'badFormat' }],
    ['decode failure', hls('bufferAppendError'), { code: 'media' }],
  ])('%s', (_name, data, want) => {
    expect(classifyHlsError(data)).toMatchObject(want);
  });
});

describe('classifyFlvError', () => {
  it.each<[string, [string, string, { code?: number; msg?: string }], Partial<StreamError>]>([
    [
      '404',
      ['NetworkError', 'HttpStatusCodeInvalid', { code: 404, msg: 'Not Found' }],
      { code: 'notFound', status: 404 },
    ],
    ['403', ['NetworkError', 'HttpStatusCodeInvalid', { code: 403, msg: 'Forbidden' }], { code: 'http', status: 403 }],
    ['refused', ['NetworkError', 'Exception', { code: -1, msg: 'Failed to fetch' }], { code: 'network' }],
    ['connect timeout', ['NetworkError', 'ConnectingTimeout', { code: -1, msg: '' }], { code: 'timeout' }],
    [
      'HTML instead of FLV',
      ['MediaError', 'FormatUnsupported', { code: -1, msg: 'Non MPEG-TS/FLV, Unsupported media type!' }],
      { code: 'badFormat' },
    ],
    [
      'HEVC refused by MSE',
      [
        'MediaError',
        'MediaMSEError',
        {
          code: 9,
          msg: "Failed to execute 'addSourceBuffer': The type provided ('video/mp4;codecs=hvc1.1.6.L93.B0') is unsupported.",
        },
      ],
      { code: 'codec', codec: 'hvc1.1.6.L93.B0' },
    ],
    [
      'codec the demuxer cannot read',
      ['MediaError', 'CodecUnsupported', { code: -1, msg: 'Flv: Unsupported codec in video frame: 2' }],
      { code: 'codec' },
    ],
    ['other MSE failure', ['MediaError', 'MediaMSEError', { code: 11, msg: 'InvalidStateError' }], { code: 'media' }],
  ])('%s', (_name, [type, details, info], want) => {
    expect(classifyFlvError(type, details, info)).toMatchObject(want);
  });
});

describe('classifyNativeError', () => {
  it('asks the probe: 404, HTML, no answer, then the media error code', () => {
    expect(classifyNativeError(4, '', { status: 404, html: false })).toMatchObject({ code: 'notFound', status: 404 });
    expect(classifyNativeError(4, '', { status: 200, html: true })).toMatchObject({ code: 'badManifest' });
    expect(classifyNativeError(2, '', { status: 0, html: false })).toMatchObject({ code: 'network' });
    expect(
      classifyNativeError(4, 'DEMUXER_ERROR_NO_SUPPORTED_STREAMS: hevc', { status: 200, html: false }),
    ).toMatchObject({ code: 'codec' });
    expect(classifyNativeError(4, '', { status: 200, html: false })).toMatchObject({ code: 'badFormat' });
    expect(classifyNativeError(3, '', undefined)).toMatchObject({ code: 'media' });
  });
});

describe('helpers', () => {
  it('isHevc, codecOf, isUnsupported', () => {
    for (const c of ['hvc1.1.6.L93.B0', 'hev1.1.6.L120.90', 'HEVC', 'H.265']) expect(isHevc(c), c).toBe(true);
    for (const c of ['avc1.42c01e', 'av01.0.04M.08', 'vp09.00.10.08']) expect(isHevc(c), c).toBe(false);
    expect(codecOf('video/mp4; codecs="avc1.42c01e"')).toBe('avc1.42c01e');
    expect(codecOf('video/mp4;codecs=hvc1.1.6.L93.B0')).toBe('hvc1.1.6.L93.B0');
    expect(codecOf(undefined)).toBeUndefined();
    expect(isUnsupported({ code: 'codec', detail: '' })).toBe(true);
    expect(isUnsupported({ code: 'noPlayer', detail: '' })).toBe(true);
    expect(isUnsupported({ code: 'notFound', detail: '' })).toBe(false);
  });

  it('streamFormatOf looks at the path only', () => {
    expect(streamFormatOf('/streams/demo/cam-1/index.m3u8')).toBe('hls');
    expect(streamFormatOf('http://gw.local/live/3401.m3u8?token=a.flv')).toBe('hls');
    expect(streamFormatOf('/streams/demo/cam-5.flv')).toBe('flv');
    expect(streamFormatOf('http://gw.local/live/3401.FLV#x')).toBe('flv');
    expect(streamFormatOf('/clip.mp4')).toBe('native');
  });
});

describe('streamErrorMessage (zh-CN)', () => {
  // A tiny stand-in for vue-i18n's t: look the key up in the real zh-CN messages, fill {named}.
  const t = (key: string, named: Record<string, unknown> = {}) => {
    const msg = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], zhCN);
    expect(typeof msg, key).toBe('string');
    return (msg as string).replace(/\{(\w+)\}/g, (_m, k: string) => String(named[k]));
  };
  const url = '/streams/demo/missing/index.m3u8';

  it('names the URL and the status of a broken address', () => {
    expect(streamErrorMessage(t, { code: 'notFound', status: 404, detail: '' }, url)).toBe(
      `视频流地址不存在（HTTP 404）：${url}`,
    );
    expect(streamErrorMessage(t, { code: 'badManifest', detail: '' }, url)).toContain(url);
  });

  it('says an H.265 stream needs the gateway to transcode', () => {
    const m = streamErrorMessage(t, { code: 'codec', codec: 'hvc1.1.6.L93.B0', detail: '' }, url);
    expect(m).toContain('H.265');
    expect(m).toContain('网关转码');
  });

  it('gives the time limit of a timeout', () => {
    expect(streamErrorMessage(t, { code: 'timeout', timeoutMs: 10_000, detail: '' }, url)).toContain('10 秒');
  });

  it('has a sentence for every code', () => {
    const codes: StreamError['code'][] = [
      'notFound',
      'http',
      'network',
      'badManifest',
      'badFormat',
      'codec',
      'media',
      'timeout',
      'noPlayer',
      'autoplay',
    ];
    for (const code of codes) expect(streamErrorMessage(t, { code, detail: '' }, url).length, code).toBeGreaterThan(5);
  });
});
