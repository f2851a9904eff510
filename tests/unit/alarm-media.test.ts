/** What a desk draws of an alarm's media (client/src/common/alarm-media.ts): hub photos as pictures, the rest as links. */
import { describe, expect, it } from 'vitest';
import { alarmMediaItems } from '@client/common/alarm-media';
import { hubPhotoId, hubPhotoUrl } from '@shared/ingest';

const ID = '0b5c3a9e-1f2d-4c3b-9a8e-7d6c5b4a3f21';

describe('alarmMediaItems', () => {
  it('draws the hub’s photos and links everything else', () => {
    expect(
      alarmMediaItems([
        { kind: 'image', url: hubPhotoUrl(ID) },
        { kind: 'image', url: 'https://nvr.example/snap/1.jpg' },
        { kind: 'video', url: hubPhotoUrl(ID) },
        { kind: 'audio', url: 'https://nvr.example/a.wav' },
      ]).map((m) => m.picture),
    ).toEqual([true, false, false, false]);
  });

  it('names a hub photo only by its exact path', () => {
    expect(hubPhotoId(hubPhotoUrl(ID))).toBe(ID);
    expect(hubPhotoId(`https://evil.example${hubPhotoUrl(ID)}`)).toBeNull();
    expect(hubPhotoId(`${hubPhotoUrl(ID)}/../../users`)).toBeNull();
    expect(hubPhotoId('/api/v1/photos/not-an-id')).toBeNull();
  });
});
