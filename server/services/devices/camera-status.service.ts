/**
 * Cameras online and offline by GB/T 28181 keepalives (issue 18). A device sends `Keepalive` about
 * every 60 s; a camera it names (or the device itself, when it is one of our cameras) is online,
 * and one that no keepalive has named for OFFLINE_AFTER_MS is offline (GB/T 28181 counts three
 * missed keepalives). Only cameras that have sent a keepalive through this hub are judged: the
 * rest keep the status they have. Changes are written, then told to screens after the commit
 * (`cameras` domain event: the map recolours them).
 */
import type { Logger } from 'pino';
import type { Clock } from '@server/core/clock';
import type { CameraRepository } from '@server/repositories/camera.repository';
import type { DomainEvents } from '../domain-events';

/** Three missed keepalives of the standard's 60 s. */
export const OFFLINE_AFTER_MS = 180_000;
/** At most this many cameras followed (a platform names its channels; a bigger one is cut, not grown without bound). */
const MAX_FOLLOWED = 200_000;

export class CameraStatusService {
  /** Camera id → when a keepalive last named it. */
  private readonly lastAlive = new Map<string, number>();
  /** Whether a status changed since `takeChanged` last asked (the cameras layer is then rebuilt). */
  private changed = false;

  constructor(
    private readonly repo: Pick<CameraRepository, 'setStatus'>,
    private readonly events: Pick<DomainEvents, 'emit'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** These cameras are alive now: online if they were not. */
  async alive(cameraIds: readonly string[]): Promise<void> {
    const now = this.clock.now();
    for (const id of cameraIds) {
      if (!this.lastAlive.has(id) && this.lastAlive.size >= MAX_FOLLOWED) continue;
      this.lastAlive.set(id, now);
    }
    await this.set(cameraIds, 'online');
  }

  /** Cameras whose keepalives stopped: offline (the scheduler runs this every 30 s). */
  async sweep(): Promise<number> {
    const cutoff = this.clock.now() - OFFLINE_AFTER_MS;
    const silent: string[] = [];
    for (const [id, at] of this.lastAlive) if (at < cutoff) silent.push(id);
    for (const id of silent) this.lastAlive.delete(id);
    return (await this.set(silent, 'offline')).length;
  }

  /** Whether any camera's status changed since the last call (then the cameras layer is stale). */
  takeChanged(): boolean {
    const c = this.changed;
    this.changed = false;
    return c;
  }

  private async set(ids: readonly string[], status: 'online' | 'offline'): Promise<{ id: string; gridCode: string }[]> {
    if (ids.length === 0) return [];
    const changed = await this.repo.setStatus(ids, status);
    if (changed.length > 0) {
      this.changed = true;
      this.log.info({ cameras: changed.length, status }, 'camera status changed by keepalives');
      this.events.emit(
        'cameras',
        changed.map((c) => ({ ...c, status })),
      );
    }
    return changed;
  }
}
