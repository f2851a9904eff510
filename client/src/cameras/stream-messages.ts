/** A StreamError as one sentence for the card (cameras.error.* in client/src/i18n). */
import type { StreamError } from './stream-errors';

type Translate = (key: string, named?: Record<string, unknown>) => string;

export function streamErrorMessage(t: Translate, e: StreamError, url: string): string {
  switch (e.code) {
    case 'notFound':
      return t('cameras.error.notFound', { url, status: e.status ?? 404 });
    case 'http':
      return t('cameras.error.http', { url, status: e.status ?? '?' });
    case 'network':
      return t('cameras.error.network', { url });
    case 'badManifest':
      return t('cameras.error.badManifest', { url });
    case 'badFormat':
      return t('cameras.error.badFormat', { url });
    case 'codec':
      return e.codec && /^(hvc1|hev1|hevc|h\.?265)/i.test(e.codec)
        ? t('cameras.error.codecH265', { codec: e.codec })
        : t('cameras.error.codec', { codec: e.codec ?? '?' });
    case 'media':
      return t('cameras.error.media');
    case 'timeout':
      return t('cameras.error.timeout', { url, seconds: Math.round((e.timeoutMs ?? 10_000) / 1000) });
    case 'noPlayer':
      return t('cameras.error.noPlayer');
    case 'autoplay':
      return t('cameras.error.autoplay');
  }
}
