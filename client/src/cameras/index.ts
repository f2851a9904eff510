/** The camera card and what the desk needs to feed it (see CameraCard.vue's props). */
export { default as CameraCard } from './CameraCard.vue';
export type { CameraDetails, NearbyCamera } from './types';
export { buildCameraIndex, nearestCameras, type CameraIndex, type NearestHit } from './nearest';
export { CAMERA_STATUS_COLOR } from './camera-style';
export { useVideoPlayer, type VideoPlayerState } from './useVideoPlayer';
export { useCameraTiles, type CameraTile } from './useCameraTiles';
