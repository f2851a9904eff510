/**
 * Photos of reports: JPEG, PNG or WebP, judged by their bytes (file-type reads the magic numbers),
 * not by the name or the declared type alone; at most MAX_PHOTO_BYTES. Stored in the database.
 */
import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { PhotoRepository } from '../repositories/photo.repository';
import type { Clock } from '../core/clock';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, type PhotoReply } from '@shared/incidents';

type PhotoType = (typeof PHOTO_TYPES)[number];

type NewPhoto = Parameters<PhotoRepository['insert']>[0];

export class PhotoService {
  private pending: { row: NewPhoto; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private inserting = false;

  constructor(
    private readonly repo: PhotoRepository,
    private readonly clock: Clock,
  ) {}

  async upload(declared: string | undefined, body: unknown, by: string): Promise<PhotoReply> {
    const want = PHOTO_TYPES.join(', ');
    const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(PHOTO_TYPES as readonly string[]).includes(type)) {
      throw new HttpError(
        415,
        ErrorCode.PhotoType,
        `Content-Type ${type ? JSON.stringify(type) : '(none)'} is not a photo type: send the image's bytes as ${want}`,
      );
    }
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new HttpError(400, ErrorCode.RequestInvalid, 'body: empty; send the image bytes');
    if (body.length > MAX_PHOTO_BYTES)
      throw new HttpError(413, ErrorCode.PhotoTooLarge, `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    const sniffed = await fileTypeFromBuffer(body);
    if (!sniffed || !(PHOTO_TYPES as readonly string[]).includes(sniffed.mime)) {
      throw new HttpError(
        415,
        ErrorCode.PhotoType,
        `the bytes are not a JPEG, PNG or WebP image${sniffed ? ` (they look like ${sniffed.mime})` : ''}`,
      );
    }
    const id = randomUUID();
    await this.repo.insert({
      id,
      type: sniffed.mime,
      bytes: body.length,
      data: body,
      uploadedBy: by,
      createdAt: new Date(this.clock.now()),
    });
    return { id, type: sniffed.mime as PhotoType, bytes: body.length };
  }

  /**
   * A device's picture (issue 18): kept when its bytes are a JPEG, PNG or WebP of at most
   * MAX_PHOTO_BYTES, with the grid it was taken in (who may see it); null when they are not
   * (the alarm goes on without it).
   */
  async deviceImage(bytes: Buffer, by: string, gridCode: string): Promise<string | null> {
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) return null;
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !(PHOTO_TYPES as readonly string[]).includes(sniffed.mime)) return null;
    const id = randomUUID();
    await this.insertBatched({
      id,
      type: sniffed.mime,
      bytes: bytes.length,
      data: bytes,
      uploadedBy: by,
      gridCode,
      createdAt: new Date(this.clock.now()),
    });
    return id;
  }

  /**
   * Devices' pictures arrive with their alarms, many at once under load: those waiting when an
   * insert starts go in one statement (per-statement cost dominates on PGlite), as events do.
   */
  private insertBatched(row: NewPhoto): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (!this.inserting) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inserting = true;
    try {
      while (this.pending.length > 0) {
        await new Promise((r) => setImmediate(r));
        // At most 8 MB of pictures in one statement.
        const batch: typeof this.pending = [];
        let size = 0;
        while (
          this.pending.length > 0 &&
          (batch.length === 0 || size + this.pending[0]!.row.bytes <= 8 * 1024 * 1024)
        ) {
          const p = this.pending.shift()!;
          batch.push(p);
          size += p.row.bytes;
        }
        try {
          await this.repo.insertMany(batch.map((p) => p.row));
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.inserting = false;
    }
  }

  /** Who uploaded a photo and, for a device's picture, its grid; undefined when there is none. */
  origin(id: string): Promise<{ by: string; gridCode: string | null } | undefined> {
    return this.repo.origin(id);
  }

  async get(id: string): Promise<{ type: string; data: Buffer }> {
    const p = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.byId(id) : undefined;
    if (!p) throw new HttpError(404, ErrorCode.PhotoNotFound, `no photo with id ${JSON.stringify(id)}`);
    return p;
  }

  /** Who uploaded a photo (a principal id, or 'citizen'), or undefined when there is none. */
  uploader(id: string): Promise<string | undefined> {
    return this.repo.uploader(id);
  }

  /** Photo ids a report names, each once and in lower case; a 400 naming those not uploaded. */
  async checked(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids.map((i) => i.toLowerCase()))];
    const found = new Set(await this.repo.existing(unique));
    const missing = unique.filter((i) => !found.has(i));
    if (missing.length)
      throw new HttpError(
        400,
        ErrorCode.PhotoNotFound,
        `body.photoIds: no photo ${missing.join(', ')} (upload it first with POST /photos)`,
      );
    return unique;
  }
}
