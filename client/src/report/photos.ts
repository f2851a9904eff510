/**
 * Photo checks done in the browser before anything is sent (the hub checks the bytes again): the
 * type the hub takes, the size limit, how many. Pure: a file is anything with a type and a size.
 */
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '@shared/incidents';

/** photoIds in a report: at most this many (shared/incidents.ts). */
export const MAX_PHOTOS = 6;

export type PhotoProblem = 'type' | 'size' | 'empty';

export interface FileLike {
  readonly type: string;
  readonly size: number;
}

/** What is wrong with a file as a photo, or null when the hub should take it. */
export function photoProblem(f: FileLike): PhotoProblem | null {
  if (!(PHOTO_TYPES as readonly string[]).includes(f.type)) return 'type';
  if (f.size <= 0) return 'empty';
  if (f.size > MAX_PHOTO_BYTES) return 'size';
  return null;
}

/** Files picked at once, split into the ones to keep and the ones refused (with why), within the count limit. */
export function sortPicked<F extends FileLike>(
  picked: readonly F[],
  alreadyHave: number,
): { keep: F[]; refused: { file: F; problem: PhotoProblem | 'count' }[] } {
  const keep: F[] = [];
  const refused: { file: F; problem: PhotoProblem | 'count' }[] = [];
  for (const file of picked) {
    const problem = photoProblem(file);
    if (problem) refused.push({ file, problem });
    else if (alreadyHave + keep.length >= MAX_PHOTOS) refused.push({ file, problem: 'count' });
    else keep.push(file);
  }
  return { keep, refused };
}

/** Bytes for people: 812 KB, 4.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
