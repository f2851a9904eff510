/**
 * The desk's selection, kept in the URL (?camera=<id> or ?grid=<code>) so a card can be linked
 * and survives a reload, and moved on the map: a selected camera or grid is flown to.
 */
import { watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useLayerDataStore } from '../stores/layerData';
import { useMapUiStore, type Selection } from '../stores/mapUi';
import { featureBounds } from '../map/geometry';
import type { MapContext } from '../map/mapContext';

export function useDeskSelection(map: () => MapContext | null) {
  const route = useRoute();
  const router = useRouter();
  const data = useLayerDataStore();
  const ui = useMapUiStore();

  /** Set when the URL made the selection (a deep link): the map jumps there instead of flying. */
  let fromLink = false;

  /** URL → selection, once the layer the link names is there. */
  watch(
    () => [route.query.camera, route.query.grid, data.version] as const,
    ([camera, grid]) => {
      if (typeof camera === 'string') {
        const l = data.layers.get('cameras');
        const index = l ? l.strings('id').indexOf(camera) : -1;
        if (index >= 0 && !(ui.selection?.kind === 'camera' && ui.selection.index === index)) {
          fromLink = true;
          ui.select({ kind: 'camera', index });
        }
      } else if (typeof grid === 'string') {
        const l = data.layers.get('grids');
        const index = l ? l.strings('code').indexOf(grid) : -1;
        if (index >= 0 && !(ui.selection?.kind === 'grid' && ui.selection.index === index)) {
          fromLink = true;
          ui.select({ kind: 'grid', index });
        }
      }
    },
    { immediate: true },
  );

  /** Selection → URL and map (also when the map arrives after the selection: a deep link). */
  watch(
    () => [ui.selection, map()] as const,
    (
      [sel, ctx]: readonly [Selection, MapContext | null],
      [prevSel, prevCtx]: readonly [Selection | undefined, MapContext | null | undefined],
    ) => {
      if (sel === prevSel && (!ctx || prevCtx)) return;
      // A deep link, or the map arriving after the selection: jump, don't fly (on software WebGL
      // seconds of flight frames would hold up everything else on the page).
      const animate = !fromLink && !!prevCtx;
      if (ctx) fromLink = false;
      const query: Record<string, string> = {};
      if (sel?.kind === 'camera') {
        const l = data.layers.get('cameras');
        if (!l) return;
        query.camera = l.strings('id')[sel.index] ?? '';
        const p = l.numeric('position');
        ctx?.flyTo([p[2 * sel.index]!, p[2 * sel.index + 1]!], 17, animate);
      } else if (sel?.kind === 'grid') {
        const l = data.layers.get('grids');
        if (!l) return;
        query.grid = l.strings('code')[sel.index] ?? '';
        ctx?.fitBounds(featureBounds(l, sel.index), animate);
      }
      // Only a change of selection rewrites the URL: the map arriving before the deep link's
      // layer has loaded (nothing selected yet) must not drop the link.
      if (sel !== prevSel && (query.camera !== route.query.camera || query.grid !== route.query.grid))
        void router.replace({ query });
    },
    // After the DOM update: the card beside the map is there, so the map has its final width.
    { flush: 'post' },
  );
}
