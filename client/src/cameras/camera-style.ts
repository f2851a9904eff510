/** Colours of camera statuses, shared by the card and (for consistency) the map's legend. */
import type { CameraStatus } from '@shared/world';

export const CAMERA_STATUS_COLOR: Record<CameraStatus, string> = {
  online: '#2fd27c',
  offline: '#8a97ab',
  alarming: '#ff5a5a',
};

/** Nearby cameras carry their status as a plain string (the layer's dictionary value). */
export function statusColor(status: string): string {
  return (CAMERA_STATUS_COLOR as Record<string, string | undefined>)[status] ?? CAMERA_STATUS_COLOR.offline;
}
