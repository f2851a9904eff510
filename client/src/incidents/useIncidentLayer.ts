/**
 * Open incidents on the desk's map: one ScatterplotLayer over typed arrays built from the incident
 * store (recreated with the same id on each change), drawn as rings in the priority's colour (alarms
 * are filled dots), flagged ones with a red fill; the selected one ringed. A click opens it.
 */
import { computed, markRaw, onBeforeUnmount, ref, watchEffect } from 'vue';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { IncidentView } from '../../../shared/incidents';
import { useMapContext } from '../map/mapContext';
import { ALARM_PRIORITY_COLOR, SELECTED_LINE } from '../map/palette';
import { useIncidentStore } from '../stores/incidents';
import { useFocusIncident } from './useFocusIncident';
import { toDrawn } from './drawn';

const FLAGGED_FILL = [255, 59, 48, 220] as const;
const PLAIN_FILL = [10, 18, 32, 200] as const;

/** Positions (as drawn), fills and outlines of the incidents, in the order given (the pick index). */
export function incidentAttributes(incidents: readonly IncidentView[], place: (p: readonly [number, number]) => [number, number]) {
  const positions = new Float32Array(2 * incidents.length);
  const fill = new Uint8Array(4 * incidents.length);
  const line = new Uint8Array(4 * incidents.length);
  incidents.forEach((i, n) => {
    positions.set(place(i.position), 2 * n);
    fill.set(i.flagged ? FLAGGED_FILL : PLAIN_FILL, 4 * n);
    line.set(ALARM_PRIORITY_COLOR[i.priority as 1 | 2 | 3 | 4] ?? ALARM_PRIORITY_COLOR[4], 4 * n);
  });
  return { positions, fill, line };
}

export function useIncidentLayer() {
  const ctx = useMapContext();
  const store = useIncidentStore();
  const focus = useFocusIncident();
  const drawnCount = ref(0);

  const points = computed(() => {
    const incidents = [...store.byId.values()];
    const a = incidentAttributes(incidents, toDrawn);
    return markRaw({
      incidents,
      data: {
        length: incidents.length,
        attributes: {
          getPosition: { value: a.positions, size: 2 },
          getFillColor: { value: a.fill, size: 4, normalized: true },
          getLineColor: { value: a.line, size: 4, normalized: true },
        },
      },
    });
  });

  watchEffect(() => {
    const p = points.value;
    const layers: Layer[] = [
      new ScatterplotLayer({
        id: 'incident-points',
        data: p.data,
        radiusUnits: 'pixels',
        getRadius: 8,
        stroked: true,
        lineWidthMinPixels: 3,
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 120],
        onClick: ({ index }) => {
          const i = p.incidents[index];
          if (i) focus(i, { fly: false });
        },
      }),
    ];
    const sel = store.selectedId ? store.byId.get(store.selectedId) : undefined;
    if (sel) {
      layers.push(
        new ScatterplotLayer<IncidentView>({
          id: 'incident-selected',
          data: [sel],
          getPosition: (i) => toDrawn(i.position),
          radiusUnits: 'pixels',
          getRadius: 14,
          filled: false,
          stroked: true,
          getLineColor: SELECTED_LINE,
          lineWidthMinPixels: 3,
        }),
      );
    }
    ctx.setLayers('incidents', layers);
    drawnCount.value = p.incidents.length;
  });

  onBeforeUnmount(() => ctx.setLayers('incidents', []));

  return { drawnCount };
}
