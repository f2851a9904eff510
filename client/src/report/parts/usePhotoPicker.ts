/**
 * Photos picked on a phone: checked at once (type, size, count: photos.ts), previewed from
 * object URLs, uploaded one by one when the form is sent. An uploaded photo keeps its id, so a
 * form sent again after a failure does not upload it twice.
 */
import { onScopeDispose, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { MAX_PHOTO_BYTES } from '@shared/incidents';
import { uploadPhoto } from '../api';
import { formatBytes, MAX_PHOTOS, sortPicked } from '../photos';

export interface PickedPhoto {
  key: number;
  file: File;
  /** Object URL of the file, for the thumbnail. */
  preview: string;
  /** The hub's id once uploaded. */
  uploadedId: string | null;
}

export function usePhotoPicker() {
  const { t } = useI18n();
  const photos = shallowRef<PickedPhoto[]>([]);
  /** Why files of the last pick were not added, one sentence each. */
  const refusals = ref<string[]>([]);
  /** Upload progress while sending: photo n of total. */
  const uploading = ref<{ n: number; total: number } | null>(null);
  let nextKey = 1;

  function add(files: Iterable<File>): void {
    const { keep, refused } = sortPicked([...files], photos.value.length);
    refusals.value = refused.map(({ file, problem }) =>
      t(`field.photos.${problem}`, {
        name: file.name,
        size: formatBytes(file.size),
        max: problem === 'count' ? MAX_PHOTOS : formatBytes(MAX_PHOTO_BYTES),
      }),
    );
    photos.value = [
      ...photos.value,
      ...keep.map((file) => ({ key: nextKey++, file, preview: URL.createObjectURL(file), uploadedId: null })),
    ];
  }

  function remove(key: number): void {
    const p = photos.value.find((x) => x.key === key);
    if (p) URL.revokeObjectURL(p.preview);
    photos.value = photos.value.filter((x) => x.key !== key);
  }

  function clear(): void {
    for (const p of photos.value) URL.revokeObjectURL(p.preview);
    photos.value = [];
    refusals.value = [];
  }

  /** Uploads what is not uploaded yet, in order; the ids of all, for photoIds. Throws the first failure. */
  async function uploadAll(url: string, csrfToken: string | null): Promise<string[]> {
    const list = photos.value;
    try {
      for (let i = 0; i < list.length; i++) {
        const p = list[i]!;
        if (p.uploadedId) continue;
        uploading.value = { n: i + 1, total: list.length };
        p.uploadedId = (await uploadPhoto(url, p.file, csrfToken)).id;
      }
    } finally {
      uploading.value = null;
    }
    return list.map((p) => p.uploadedId!);
  }

  onScopeDispose(clear);

  return { photos, refusals, uploading, add, remove, clear, uploadAll };
}

export type PhotoPicker = ReturnType<typeof usePhotoPicker>;
