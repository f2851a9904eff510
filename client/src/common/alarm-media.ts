/**
 * What an alarm's media shows on a desk (issue 18): the hub's own photos (a camera's snapshot) as
 * pictures, anything else (a device's own URL, video, audio) as a link. Pictures from elsewhere are
 * not drawn: the page's Content-Security-Policy lets images load from the hub only, and a wall must
 * not fetch from a device it cannot vouch for.
 */
import type { AlarmView } from '@shared/alarms';
import { hubPhotoId } from '@shared/ingest';

export interface AlarmMediaItem {
  kind: AlarmView['media'][number]['kind'];
  url: string;
  /** Drawn as a picture (a hub photo); else a link. */
  picture: boolean;
}

export function alarmMediaItems(media: AlarmView['media']): AlarmMediaItem[] {
  return media.map((m) => ({ kind: m.kind, url: m.url, picture: m.kind === 'image' && hubPhotoId(m.url) !== null }));
}
