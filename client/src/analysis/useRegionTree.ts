/**
 * The region tree of the drill-down, inside the caller's scope: districts → streets → communities
 * from the region layers (loaded once, shared with the desk), a community's grids when it opens.
 * Codes nest by prefix, so "inside the scope" is a prefix test (`inScope`).
 */
import { computed, onMounted } from 'vue';
import type { TreeOption } from 'naive-ui';
import { inScope } from '@shared/auth';
import { useLayerDataStore } from '../stores/layerData';
import { useSessionStore } from '../stores/session';
import { REGION_LAYERS, useRegionIndex } from '../stores/regionIndex';

export function useRegionTree() {
  const data = useLayerDataStore();
  const session = useSessionStore();
  const { byCode, pathOf } = useRegionIndex();

  onMounted(() => {
    void data.ensure(REGION_LAYERS.slice(0, 3));
  });

  const scope = computed(() => session.user?.scope ?? '');

  const roots = computed<TreeOption[]>(() => {
    const children = new Map<string, TreeOption[]>();
    const nodes = new Map<string, TreeOption>();
    const parentOf = new Map<string, string>();
    for (const layer of REGION_LAYERS.slice(0, 3)) {
      const l = data.layers.get(layer);
      if (!l) continue;
      const codes = l.strings('code');
      const names = l.strings('name');
      const parents = l.strings('parentCode');
      codes.forEach((code, i) => {
        if (scope.value && !inScope(scope.value, code)) return;
        const node: TreeOption = { key: code, label: names[i] ?? code, isLeaf: false };
        nodes.set(code, node);
        const p = layer === 'districts' ? '' : (parents[i] ?? '');
        parentOf.set(code, p);
        children.set(p, [...(children.get(p) ?? []), node]);
      });
    }
    const attach = (list: TreeOption[]): TreeOption[] =>
      list.map((n) => {
        const kids = children.get(String(n.key));
        return kids ? { ...n, children: attach(kids) } : n;
      });
    // The top: the nodes whose parent is not in the tree (the districts, or a scope's own region).
    const top = [...nodes.values()].filter((n) => !nodes.has(parentOf.get(String(n.key)) ?? ''));
    return attach(top);
  });

  /** A community's grids, when it opens (the grids layer loads on first need). */
  async function loadGrids(node: TreeOption): Promise<void> {
    await data.ensure(['grids']);
    const l = data.layers.get('grids');
    const code = String(node.key);
    if (!l) {
      node.children = [];
      return;
    }
    const codes = l.strings('code');
    const names = l.strings('name');
    node.children = codes.flatMap((c, i) =>
      c.startsWith(code) ? [{ key: c, label: names[i] ?? c, isLeaf: true }] : [],
    );
  }

  const loading = computed(() => REGION_LAYERS.slice(0, 3).some((l) => data.status[l] === 'loading'));

  return {
    roots,
    loadGrids,
    loading,
    scope,
    scopeName: computed(() => session.user?.scopeName ?? ''),
    /** district › street › … for a code, within what the layers know. */
    path: (code: string) => pathOf(code).filter((r) => !scope.value || inScope(scope.value, r.code)),
    name: (code: string) => byCode.value.get(code)?.name ?? code,
  };
}
