/**
 * The planner's drawing and its form kept together: what is drawn on the map (Terra Draw, in the
 * map's coordinates) becomes the draft's WGS84 perimeter and posts, and an event being edited is
 * drawn from the draft when the map is ready. A point placed on the map is a new post; a point
 * deleted there (select it, press Delete) or a post removed from the list goes from both.
 */
import type { Ref, ShallowRef } from 'vue';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { MajorEventView } from '@shared/major-events';
import { fromDrawn, toDrawn } from '../stores/basemap';
import { convertPoint, convertPolygon } from './plan-geometry';
import type { PlanDraft, PostDraft } from './usePlanForm';
import { useTerraDraw, type DrawnState } from './useTerraDraw';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function usePlanDrawing(
  map: ShallowRef<MapLibreMap | null>,
  draft: PlanDraft,
  editing: Ref<MajorEventView | null>,
  postName: (n: number) => string,
) {
  /** While the drawing is being loaded from the draft, its changes are not the user's. */
  let loading = false;

  function sync(s: DrawnState): void {
    if (loading) return;
    const perimeter = s.perimeter ? convertPolygon(s.perimeter, fromDrawn) : null;
    if (!same(perimeter, draft.perimeter)) draft.perimeter = perimeter;
    const drawn = new Map(s.points.map((p) => [p.id, convertPoint(p.position, fromDrawn)]));
    const kept: PostDraft[] = draft.posts.filter((p) => drawn.has(p.key));
    let changed = kept.length !== draft.posts.length;
    for (const p of kept) {
      const at = drawn.get(p.key)!;
      if (!same(at, p.position)) p.position = at;
    }
    const known = new Set(kept.map((p) => p.key));
    for (const [key, position] of drawn) {
      if (known.has(key)) continue;
      kept.push({ key, name: postName(kept.length + 1), kind: 'post', position, unitIds: [], staff: [] });
      changed = true;
    }
    if (changed) draft.posts = kept;
  }

  const draw = useTerraDraw(map, sync);

  draw.onReady(() => {
    const e = editing.value;
    loading = true;
    const ids = draw.load(
      draft.perimeter ? convertPolygon(draft.perimeter, toDrawn) : null,
      (e?.posts ?? []).map((p) => convertPoint(p.position, toDrawn)),
    );
    loading = false;
    if (e)
      draft.posts = e.posts.map((p, i) => ({
        key: ids[i]!,
        name: p.name,
        kind: p.kind,
        position: [p.position[0], p.position[1]],
        unitIds: [...p.unitIds],
        staff: [...p.staff],
      }));
    draw.setMode(draft.perimeter ? 'select' : 'polygon');
  });

  return {
    ...draw,
    /** Removes a post from the list and its point from the map. */
    removePost(key: string): void {
      draft.posts = draft.posts.filter((p) => p.key !== key);
      draw.remove(key);
    },
  };
}
