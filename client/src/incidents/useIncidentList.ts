/**
 * The incident list's model, shared by the panel and the desk's shortcuts: its rows (the open
 * incidents the store holds, filtered and sorted; or the history's pages), the filter and sort
 * options, moving the selection, and opening a row.
 */
import { computed } from 'vue';
import { createSharedComposable } from '@vueuse/core';
import { useI18n } from 'vue-i18n';
import { INCIDENT_KINDS, INCIDENT_SOURCES, type IncidentView } from '@shared/incidents';
import { CATEGORIES, CATEGORY_FAMILIES, RISK_CATEGORIES } from '@shared/incident-categories';
import type { Role } from '@shared/auth';
import { useIncidentStore } from '../stores/incidents';
import { useSessionStore } from '../stores/session';
import { isFiltered, STATUS_GROUP_NAMES, type IncidentFilters, type IncidentSort } from '../stores/incidentList';
import { useIncidentHistory } from './useIncidentHistory';
import { useIncidentLabels } from './useIncidentLabels';
import { useFocusIncident } from './useFocusIncident';

/** The roles that take and dispatch incidents on the desk (as for alarms: 'alarm:handle'). */
export const INCIDENT_HANDLERS: readonly Role[] = ['commander', 'dispatcher'];

export const SORTS: readonly IncidentSort[] = ['priority', 'due', 'newest'];

export const useIncidentList = createSharedComposable(() => {
  const store = useIncidentStore();
  const session = useSessionStore();
  const { t } = useI18n();
  const labels = useIncidentLabels();
  const focus = useFocusIncident();
  const filters = computed(() => store.filters);
  const sort = computed(() => store.sort);
  const history = useIncidentHistory(filters, sort);

  const isHistory = computed(() => store.filters.group === 'closed');
  const rows = computed<IncidentView[]>(() => (isHistory.value ? history.items.value : store.filtered));
  const canHandle = computed(() => !!session.user && INCIDENT_HANDLERS.includes(session.user.role));

  const groupOptions = computed(() =>
    STATUS_GROUP_NAMES.map((g) => ({ value: g, label: t(`incidents.filters.groups.${g}`) })),
  );
  const categoryOptions = computed(() => [
    { value: '', label: t('incidents.filters.allCategories') },
    ...CATEGORY_FAMILIES.map((fam) => ({
      type: 'group' as const,
      key: fam,
      label: t(`incidents.families.${fam}`),
      children: RISK_CATEGORIES.filter((c) => CATEGORIES[c].family === fam).map((c) => ({
        value: c,
        label: labels.category(c),
      })),
    })),
  ]);
  const priorityOptions = computed(() => [
    { value: 0, label: t('incidents.filters.allPriorities') },
    ...[1, 2, 3, 4].map((p) => ({ value: p, label: labels.priority(p) })),
  ]);
  const sourceOptions = computed(() => [
    { value: '', label: t('incidents.filters.allSources') },
    ...INCIDENT_SOURCES.map((s) => ({ value: s, label: labels.source(s) })),
  ]);
  const kindOptions = computed(() => [
    { value: '', label: t('incidents.filters.allKinds') },
    ...INCIDENT_KINDS.map((k) => ({ value: k, label: labels.kind(k) })),
  ]);
  const sortOptions = computed(() => SORTS.map((s) => ({ value: s, label: t(`incidents.filters.sorts.${s}`) })));

  function setFilter<K extends keyof IncidentFilters>(key: K, value: IncidentFilters[K]): void {
    store.setFilters({ [key]: value });
  }

  /** Moves the selection `delta` rows (the first row when none is selected); returns the new row's index. */
  function move(delta: number): number {
    const list = rows.value;
    if (list.length === 0) return -1;
    const at = list.findIndex((i) => i.id === store.selectedId);
    const next = at < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
    const row = list[next]!;
    store.select(row.id);
    return next;
  }

  /** Opens the selected row's detail and flies there. */
  function openSelected(): void {
    const row = rows.value.find((i) => i.id === store.selectedId);
    if (row) focus(row);
  }

  return {
    rows,
    isHistory,
    history,
    counts: computed(() => store.counts),
    filters,
    sort,
    filtered: computed(() => isFiltered(store.filters)),
    selectedId: computed(() => store.selectedId),
    canHandle,
    groupOptions,
    categoryOptions,
    priorityOptions,
    sourceOptions,
    kindOptions,
    sortOptions,
    setFilter,
    setSort: (s: IncidentSort) => store.setSort(s),
    move,
    openSelected,
    open: (i: IncidentView) => focus(i),
  };
});
