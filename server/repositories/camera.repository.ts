/** Cameras' live status (issue 18: GB/T 28181 keepalives). The rest of a camera is the static world. SQL only. */
import { and, inArray, ne } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { cameras } from '../db/schema';

export type CameraStatus = (typeof cameras.$inferSelect)['status'];

export class CameraRepository {
  constructor(private readonly db: Db) {}

  /** Set these cameras' status; returns those whose status changed, with their grids. */
  async setStatus(ids: readonly string[], status: CameraStatus): Promise<{ id: string; gridCode: string }[]> {
    if (ids.length === 0) return [];
    return this.db
      .update(cameras)
      .set({ status })
      .where(and(inArray(cameras.id, [...ids]), ne(cameras.status, status)))
      .returning({ id: cameras.id, gridCode: cameras.gridCode });
  }
}
