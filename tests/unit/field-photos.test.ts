import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '@shared/incidents';
import { formatBytes, MAX_PHOTOS, photoProblem, sortPicked } from '@client/report/photos';

const file = (type: string, size: number, name = 'a') => ({ type, size, name });

describe('photoProblem', () => {
  it.each([
    ['image/jpeg', 1000, null],
    ['image/png', MAX_PHOTO_BYTES, null],
    ['image/webp', 1, null],
    ['image/png', MAX_PHOTO_BYTES + 1, 'size'],
    ['image/jpeg', 0, 'empty'],
    ['image/gif', 1000, 'type'],
    ['image/heic', 1000, 'type'],
    ['', 1000, 'type'],
    ['application/pdf', MAX_PHOTO_BYTES + 1, 'type'],
  ] as const)('%s of %d bytes → %s', (type, size, problem) => {
    expect(photoProblem(file(type, size))).toBe(problem);
  });
});

describe('sortPicked', () => {
  it('keeps good files up to the count limit and says why the others are refused', () => {
    const picked = [
      file('image/jpeg', 10, 'ok1'),
      file('image/gif', 10, 'gif'),
      file('image/png', 10, 'ok2'),
      file('image/png', MAX_PHOTO_BYTES * 2, 'big'),
      file('image/webp', 10, 'ok3'),
    ];
    const { keep, refused } = sortPicked(picked, MAX_PHOTOS - 2);
    expect(keep.map((f) => f.name)).toEqual(['ok1', 'ok2']);
    expect(refused.map((r) => [r.file.name, r.problem])).toEqual([
      ['gif', 'type'],
      ['big', 'size'],
      ['ok3', 'count'],
    ]);
  });

  it('refuses everything once full', () => {
    expect(sortPicked([file('image/jpeg', 10)], MAX_PHOTOS).keep).toEqual([]);
  });
});

describe('formatBytes', () => {
  it.each([
    [100, '1 KB'],
    [812 * 1024, '812 KB'],
    [MAX_PHOTO_BYTES, '5.0 MB'],
    [4.24 * 1024 * 1024, '4.2 MB'],
  ])('%d → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
