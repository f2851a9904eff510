/** Columns of the audit table. */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NEllipsis, NTag, type DataTableColumns } from 'naive-ui';
import type { AuditRecordView } from '@shared/auth';
import { NO_VALUE } from '../util/format';
import { formatTime } from './time';

const OUTCOME_TAG = { ok: 'success', denied: 'warning', failed: 'error' } as const;

export function useAuditColumns() {
  const { t } = useI18n();
  return computed<DataTableColumns<AuditRecordView>>(() => [
    { key: 'seq', title: t('admin.audit.seq'), className: 'num', width: 70 },
    { key: 'at', title: t('admin.audit.at'), className: 'num', width: 170, render: (r) => formatTime(r.at) },
    {
      key: 'actor',
      title: t('admin.audit.actor'),
      render: (r) => h('span', { title: r.actor ?? '' }, r.actorName ?? r.actor ?? t('admin.audit.anyone')),
    },
    { key: 'action', title: t('admin.audit.action'), className: 'mono nowrap' },
    { key: 'target', title: t('admin.audit.target'), render: (r) => r.target ?? NO_VALUE },
    { key: 'address', title: t('admin.audit.address'), className: 'num', render: (r) => r.address ?? NO_VALUE },
    {
      key: 'outcome',
      title: t('admin.audit.outcome'),
      render: (r) =>
        h(NTag, { size: 'small', bordered: false, type: OUTCOME_TAG[r.outcome] }, () =>
          t(`admin.audit.outcomes.${r.outcome}`),
        ),
    },
    {
      key: 'details',
      title: t('admin.audit.details'),
      className: 'mono',
      render: (r) =>
        r.details ? h(NEllipsis, { style: 'max-width: 320px' }, () => JSON.stringify(r.details)) : NO_VALUE,
    },
  ]);
}
