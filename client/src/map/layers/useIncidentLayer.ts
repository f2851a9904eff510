/**
 * Open incidents on the desk's map: one ScatterplotLayer over typed arrays built from the caller's
 * incidents (recreated with the same id on each change), drawn as rings in the priority's colour
 * (alarms are filled dots), flagged ones with a red fill; the selected one ringed. A click is
 * handed to `onPick` (the desk opens it).
 */
import { computed, markRaw, onBeforeUnmount, ref, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { IncidentView } from '@shared/incidents';
import { useMapContext, type Place } from '../mapContext';
import { ALARM_PRIORITY_COLOR, SELECTED_LINE } from '../palette';

const FLAGGED_FILL = [255, 59, 48, 220] as const;
const PLAIN_FILL = [10, 18, 32, 200] as const;

/** Positions (as drawn), fills and outlines of the incidents, in the order given (the pick index). */
export function incidentAttributes(
  incidents: readonly IncidentView[],
  place: (p: readonly [number, number]) => [number, number],
) {
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

export interface IncidentLayerInput {
  /** The incidents to draw, by id. */
  incidents: MaybeRefOrGetter<ReadonlyMap<string, IncidentView>>;
  /** The selected incident (ringed), or null. */
  selectedId: MaybeRefOrGetter<string | null>;
  /** Where the map draws a WGS84 position. */
  place: Place;
  onPick(incident: IncidentView): void;
}

export function useIncidentLayer(input: IncidentLayerInput) {
  const ctx = useMapContext();
  const drawnCount = ref(0);

  const points = computed(() => {
    const incidents = [...toValue(input.incidents).values()];
    const a = incidentAttributes(incidents, input.place);
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
          if (i) input.onPick(i);
        },
      }),
    ];
    const selectedId = toValue(input.selectedId);
    const sel = selectedId ? toValue(input.incidents).get(selectedId) : undefined;
    if (sel) {
      layers.push(
        new ScatterplotLayer<IncidentView>({
          id: 'incident-selected',
          data: [sel],
          getPosition: (i) => input.place(i.position),
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
