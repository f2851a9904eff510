/**
 * What the planner offers to pick: the regions of the user's scope (districts and streets, with the
 * district under the perimeter's first vertex as the default), the units nearest each post first,
 * the cameras inside the perimeter and its buffer ring, and the wall presets.
 */
import { computed, onMounted, shallowRef, watch, type Ref } from 'vue';
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { inScope } from '@shared/auth';
import { wallPreset, type WallPreset } from '@shared/wall';
import type { Polygon } from '@shared/world';
import { getJson } from '../api/http';
import { toDrawn } from '../stores/basemap';
import { useLayerDataStore } from '../stores/layerData';
import { useRegionIndex } from '../stores/regionIndex';
import { useSessionStore } from '../stores/session';
import { useUnitStore } from '../stores/units';
import { convertPolygon, featureAt, nearestFirst, pointsInside } from './plan-geometry';
import type { PlanDraft } from './usePlanForm';

/** The hub takes at most this many pinned cameras (shared/major-events.ts). */
export const MAX_CAMERAS = 32;
/** Candidates listed at most (a perimeter over a busy centre may hold thousands). */
const MAX_CANDIDATES = 400;

export interface CameraChoice {
  id: string;
  name: string;
  kind: string;
}

export function usePlanOptions(draft: PlanDraft, ring: Ref<Polygon | null>) {
  const data = useLayerDataStore();
  const session = useSessionStore();
  const units = useUnitStore();
  const { byCode } = useRegionIndex();
  onMounted(() => {
    void data.ensure(['districts', 'streets', 'cameras']);
    void units.ensure();
  });
  const scope = computed(() => session.user?.scope ?? '');

  const regionOptions = computed(() =>
    [...byCode.value.values()]
      .filter((r) => (r.layer === 'districts' || r.layer === 'streets') && inScope(scope.value, r.code))
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((r) => ({
        value: r.code,
        label: r.layer === 'streets' ? `${byCode.value.get(r.code.slice(0, 6))?.name ?? ''} › ${r.name}` : r.name,
      })),
  );

  // A new perimeter's region: the district under its first vertex (the commander may pick a street).
  watch(
    () => [draft.perimeter?.[0]?.[0], data.layers.get('districts')] as const,
    ([first, districts]) => {
      if (draft.regionCode || !first || !districts) return;
      const [x, y] = toDrawn(first);
      const f = featureAt(
        {
          position: districts.numeric('position'),
          ringStart: districts.numeric('ringStart'),
          polygonStart: districts.numeric('polygonStart'),
          featureStart: districts.numeric('featureStart'),
          count: districts.header.count,
        },
        x,
        y,
      );
      const code = f >= 0 ? districts.strings('code')[f] : undefined;
      if (code && inScope(scope.value, code)) draft.regionCode = code;
    },
  );

  /** A post's units, nearest first, with their distance. */
  function unitOptions(at: readonly number[] | null) {
    return nearestFirst([...units.byId.values()], at, (u) => u.position);
  }

  /** Cameras inside the perimeter or its ring (the drawn coordinates the camera layer is held in). */
  const cameras = computed<CameraChoice[]>(() => {
    const layer = data.layers.get('cameras');
    const p = draft.perimeter;
    if (!layer || !p) return [];
    const areas = [convertPolygon(p, toDrawn), ...(ring.value ? [convertPolygon(ring.value, toDrawn)] : [])];
    const ids = layer.strings('id');
    const names = layer.strings('name');
    const kind = layer.dict('kind');
    return pointsInside(layer.numeric('position'), areas, MAX_CANDIDATES).map((i) => ({
      id: ids[i]!,
      name: names[i] ?? ids[i]!,
      kind: kind.values[kind.codes[i]!] ?? '',
    }));
  });

  const presets = shallowRef<WallPreset[] | null>(null);
  onMounted(() => {
    // Every signed-in screen may read them (world:read); a refusal hides the field.
    getJson(`${API_PREFIX}/wall/presets`, z.object({ presets: z.array(wallPreset) }))
      .then((r) => (presets.value = r.presets))
      .catch(() => (presets.value = null));
  });

  return { regionOptions, unitOptions, cameras, presets };
}
