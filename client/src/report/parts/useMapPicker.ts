/**
 * A small MapLibre map to put a pin where the problem is: the hub's built-in offline basemap
 * (WGS84, so a picked point needs no shift) when this browser may read it (a session: the
 * basemap is not public), otherwise a plain background around the phone's own position, which
 * still lets a citizen move the pin a little from where they stand (the scale bar tells how far).
 * Loaded only when someone opens it: MapLibre is a large download for a phone.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { loadMapConfig } from '@client/stores/basemap';
import { FONT_FAMILY } from '@client/common/theme';

maplibregl.setWorkerUrl(workerUrl);

const PLAIN_STYLE: maplibregl.StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#15233a' } }],
};

export type MapPickerState = 'loading' | 'ready' | 'plain' | 'needGps' | 'failed';

export function useMapPicker(
  container: Ref<HTMLElement | null>,
  opts: { start: () => [number, number] | null; onPick: (lon: number, lat: number) => void },
) {
  const state = ref<MapPickerState>('loading');
  const failure = ref<string | null>(null);
  let map: maplibregl.Map | null = null;
  let disposed = false;

  onMounted(async () => {
    const cfg = await loadMapConfig().catch(() => null);
    if (disposed || !container.value) return;
    const start = opts.start();
    if (!cfg && !start) {
      state.value = 'needGps';
      return;
    }
    const center = start ?? cfg!.center;
    try {
      map = new maplibregl.Map({
        container: container.value,
        style: cfg ? cfg.builtInStyleUrl : PLAIN_STYLE,
        center,
        zoom: start ? 16 : 11,
        attributionControl: false,
        localIdeographFontFamily: FONT_FAMILY,
      });
    } catch (e) {
      state.value = 'failed';
      failure.value = (e as Error).message;
      return;
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    const marker = new maplibregl.Marker({ draggable: true, color: '#ff5a5a' }).setLngLat(center).addTo(map);
    const pick = (ll: maplibregl.LngLat): void => opts.onPick(ll.lng, ll.lat);
    map.on('click', (e) => {
      marker.setLngLat(e.lngLat);
      pick(e.lngLat);
    });
    marker.on('dragend', () => pick(marker.getLngLat()));
    map.on('error', (e) => {
      // A basemap source that fails still leaves a usable map with the pin.
      failure.value = e.error?.message ?? null;
    });
    state.value = cfg ? 'ready' : 'plain';
  });

  onBeforeUnmount(() => {
    disposed = true;
    map?.remove();
    map = null;
  });

  return { state, failure };
}
