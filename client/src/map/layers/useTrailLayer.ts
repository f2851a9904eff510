/**
 * Unit trails on the map (issue 15): where each unit was over the last 15 minutes, a line in its
 * kind's colour that fades with age (trail-paths.ts). One PathLayer over binary attributes in the
 * 'trails' slot, under the units; recreated with the same id only when the trails change (a push
 * moved a unit, or points fell out of the window): ages are read then, and nothing animates in
 * between, so a desk where nothing moves draws no frames for it.
 */
import { computed, markRaw, onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';
import { PathLayer } from '@deck.gl/layers';
import type { TrailPoint } from '@shared/trails';
import { useMapContext, type Place } from '../mapContext';
import { UNIT_KIND_COLOR, type RGBA } from '../palette';
import { buildTrailPaths } from '../trail-paths';

export interface TrailLayerInput {
  visible: MaybeRefOrGetter<boolean>;
  /** Each unit's trail, oldest point first, on the hub's clock. */
  trails: MaybeRefOrGetter<ReadonlyMap<string, readonly TrailPoint[]>>;
  /** The hub's clock now (read whenever the trails change). */
  now: () => number;
  /** A unit's kind (its colour), when known. */
  kindOf: (unitId: string) => string | undefined;
  /** Where the map draws a WGS84 position. */
  place: Place;
}

const UNKNOWN_KIND: RGBA = [200, 200, 200, 255];

export function useTrailLayer(input: TrailLayerInput): { drawnPoints: () => number } {
  const ctx = useMapContext();

  const attributes = computed(() => {
    const trails = toValue(input.trails);
    return markRaw(
      buildTrailPaths(
        trails,
        input.now(),
        input.place,
        (id) => UNIT_KIND_COLOR[input.kindOf(id) as keyof typeof UNIT_KIND_COLOR] ?? UNKNOWN_KIND,
      ),
    );
  });

  watchEffect(() => {
    const a = attributes.value;
    if (!toValue(input.visible) || a.length === 0) {
      ctx.setLayers('trails', []);
      return;
    }
    ctx.setLayers('trails', [
      new PathLayer({
        id: 'trails',
        data: {
          length: a.length,
          startIndices: a.startIndices,
          attributes: {
            getPath: { value: a.positions, size: 2 },
            getColor: { value: a.colors, size: 4, normalized: true },
          },
        },
        _pathType: 'open',
        getWidth: 3,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
      }),
    ]);
  });

  onBeforeUnmount(() => ctx.setLayers('trails', []));
  return { drawnPoints: () => (toValue(input.visible) ? attributes.value.startIndices[attributes.value.length]! : 0) };
}
