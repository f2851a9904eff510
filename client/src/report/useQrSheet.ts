/**
 * The QR sheet's data: the communities in the signed-in user's scope (from the region layers the
 * desk also uses), the one chosen (kept in ?community= so a sheet can be bookmarked), and the
 * QR items of it and its grids.
 */
import { computed, onMounted } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useLayerDataStore } from '../stores/layerData';
import { qrItems, type NamedRegion } from './qr';

const LAYERS = ['streets', 'communities', 'grids'] as const;

function named(data: ReturnType<typeof useLayerDataStore>, layer: (typeof LAYERS)[number]): NamedRegion[] {
  const l = data.layers.get(layer);
  if (!l) return [];
  const names = l.strings('name');
  return l.strings('code').map((code, i) => ({ code, name: names[i] ?? code }));
}

export function useQrSheet() {
  const data = useLayerDataStore();
  const route = useRoute();
  const router = useRouter();
  onMounted(() => void data.ensure(LAYERS));

  const loading = computed(() => LAYERS.some((l) => data.status[l] === 'loading' || !data.status[l]));
  const failure = computed(() => LAYERS.map((l) => data.errors[l]).find((e) => e) ?? null);

  // The layer slots are refs: these recompute when a layer (re)loads.
  const communities = computed(() => named(data, 'communities'));
  const grids = computed(() => named(data, 'grids'));

  /** "Street · Community", searchable by either name or the code. */
  const options = computed(() => {
    const streets = new Map(named(data, 'streets').map((s) => [s.code, s.name]));
    return communities.value.map((c) => {
      const street = streets.get(c.code.slice(0, 9));
      return { value: c.code, label: street ? `${street} · ${c.name}` : c.name };
    });
  });

  const chosen = computed({
    get: () => {
      const c = route.query.community;
      return typeof c === 'string' && /^\d{12}$/.test(c) ? c : null;
    },
    set: (code: string | null) => void router.replace({ query: { ...route.query, community: code ?? undefined } }),
  });

  const community = computed(() => communities.value.find((c) => c.code === chosen.value) ?? null);
  const items = computed(() => (community.value ? qrItems(community.value, grids.value) : []));

  return { loading, failure, options, chosen, community, items };
}
