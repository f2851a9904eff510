/**
 * Cameras' live online/offline status (issue 18): the hub pushes 'camera:status' when GB/T 28181
 * keepalives change a camera's status. The static cameras layer holds the status as of its build;
 * these overrides are newer, by camera id. Every screen that draws or lists cameras reads a
 * camera's status as `statusOf(id) ?? the layer's`.
 *
 * The overrides live in one plain Map (markRaw: Vue never walks it; up to the city's 130k cameras)
 * with a counter, `version`, bumped whenever some camera's status changed, so the map layer can
 * repaint only what changed. After a reconnect the socket module reloads the cameras layer and
 * then drops the overrides it holds (`clear(mark)`), keeping those pushed since the reload began.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';

export type LiveCameraStatus = 'online' | 'offline';
export interface CameraStatusChange {
  id: string;
  status: LiveCameraStatus;
}

/** The overrides: each camera's status, and the apply (`seq`) that last told it. */
export interface CameraOverrides {
  status: Map<string, LiveCameraStatus>;
  toldAt: Map<string, number>;
}

export function emptyOverrides(): CameraOverrides {
  return { status: new Map(), toldAt: new Map() };
}

/**
 * Merges a pushed batch into `held` (in place; the latest entry for an id wins), stamping every
 * camera it names with `seq`, even one whose status it repeats. True when some status changed.
 */
export function mergeCameraStatus(held: CameraOverrides, batch: readonly CameraStatusChange[], seq: number): boolean {
  let changed = false;
  for (const { id, status } of batch) {
    if (status !== 'online' && status !== 'offline') continue;
    if (held.status.get(id) !== status) {
      held.status.set(id, status);
      changed = true;
    }
    held.toldAt.set(id, seq);
  }
  return changed;
}

/** Drops the overrides last told at or before `upTo` (all by default). True when any was dropped. */
export function dropCameraStatus(held: CameraOverrides, upTo = Infinity): boolean {
  let changed = false;
  for (const [id, at] of held.toldAt) {
    if (at > upTo) continue;
    held.toldAt.delete(id);
    held.status.delete(id);
    changed = true;
  }
  return changed;
}

export const useCameraStatusStore = defineStore('cameraStatus', () => {
  const held = markRaw(emptyOverrides());
  /** Bumped whenever some camera's shown status changed (an apply or a clear). */
  const version = ref(0);
  /** Counts applies: a mark says which overrides came before it. */
  let seq = 0;

  return {
    version: computed(() => version.value),
    /** The overrides as they are now (the same Map, changed in place: read `version` to follow it). */
    overrides: (): ReadonlyMap<string, LiveCameraStatus> => held.status,
    /** A camera's live status, when one was pushed (reactive: follows `version`). */
    statusOf(id: string): LiveCameraStatus | undefined {
      void version.value;
      return held.status.get(id);
    },
    apply(batch: { cameras: readonly CameraStatusChange[] }): void {
      if (mergeCameraStatus(held, batch.cameras, ++seq)) version.value++;
    },
    /** Where the pushes stand now, for a later `clear(mark)`. */
    mark: (): number => seq,
    /** Drops the overrides told at or before `upTo` (all by default): the cameras layer now holds them. */
    clear(upTo?: number): void {
      if (dropCameraStatus(held, upTo)) version.value++;
    },
  };
});
