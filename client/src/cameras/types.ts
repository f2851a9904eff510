/**
 * The camera card's inputs. The desk (client/src/map) builds them from the cameras layer and the
 * region tree; the card itself fetches nothing.
 */
import type { CameraKind, CameraStatus } from '@shared/world';

export interface CameraDetails {
  /** GB/T 28181 device id, 20 digits. */
  id: string;
  name: string;
  kind: CameraKind;
  status: CameraStatus;
  /** [lon, lat], WGS 84. */
  position: [number, number];
  /** Optical axis, degrees clockwise from north. */
  heading: number;
  /** Horizontal field of view, degrees. */
  fov: number;
  /** HLS (.m3u8) or HTTP-FLV (.flv) URL; null when the camera is not connected to the video platform. */
  streamUrl: string | null;
  /** From the district down to the grid: district › street › community › grid. */
  regionPath: { code: string; name: string }[];
}

export interface NearbyCamera {
  id: string;
  name: string;
  distanceM: number;
  /** Bearing from the card's camera to this one, degrees clockwise from north. */
  bearingDeg: number;
  heading: number;
  status: string;
}
