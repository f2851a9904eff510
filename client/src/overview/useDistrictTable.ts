/** Rows and columns of the per-district table, formatted for the current locale. */
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { DataTableColumns } from 'naive-ui';
import type { DistrictSummary } from '@shared/api';
import { formatCount, formatPercent, ratio } from '../util/format';

export interface DistrictRow {
  code: string;
  name: string;
  grids: string;
  cameras: string;
  online: string;
}

export function useDistrictTable(districts: Ref<readonly DistrictSummary[]>) {
  const { t, locale } = useI18n();

  const rows = computed<DistrictRow[]>(() =>
    districts.value.map((d) => ({
      code: d.code,
      name: d.name,
      grids: formatCount(d.grids, locale.value),
      cameras: formatCount(d.cameras, locale.value),
      online: formatPercent(ratio(d.camerasOnline, d.cameras), locale.value),
    })),
  );

  const columns = computed<DataTableColumns<DistrictRow>>(() => [
    { key: 'name', title: t('districts.name') },
    { key: 'code', title: t('districts.code'), className: 'num' },
    { key: 'grids', title: t('districts.grids'), align: 'right', className: 'num' },
    { key: 'cameras', title: t('districts.cameras'), align: 'right', className: 'num' },
    { key: 'online', title: t('districts.online'), align: 'right', className: 'num' },
  ]);

  return { rows, columns };
}
