/**
 * Columns of the audit table. Names, action codes and details are data (translate="no": a screen
 * in any language shows them as recorded); the hub's own actors (the system, a citizen) are said
 * in the screen's language.
 */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NEllipsis, NTag, type DataTableColumns } from 'naive-ui';
import type { AuditRecordView } from '@shared/auth';
import { NO_VALUE } from '../util/format';
import { formatTime } from './time';

const OUTCOME_TAG = { ok: 'success', denied: 'warning', failed: 'error' } as const;

export function useAuditColumns() {
  const { t } = useI18n();
  /** The system and citizens act without a name of their own: say which in this language. */
  const hubActor = (r: AuditRecordView): string | null =>
    r.actor === 'citizen'
      ? t('admin.audit.citizen')
      : r.actorName === 'system' && (r.actor === null || r.actor === 'system')
        ? t('admin.audit.system')
        : null;
  return computed<DataTableColumns<AuditRecordView>>(() => [
    { key: 'seq', title: t('admin.audit.seq'), className: 'num', width: 70 },
    { key: 'at', title: t('admin.audit.at'), className: 'num', width: 170, render: (r) => formatTime(r.at) },
    {
      key: 'actor',
      title: t('admin.audit.actor'),
      render: (r) =>
        hubActor(r) ??
        ((r.actorName ?? r.actor)
          ? h('span', { title: r.actor ?? '', translate: 'no' }, r.actorName ?? r.actor ?? '')
          : t('admin.audit.anyone')),
    },
    {
      key: 'action',
      title: t('admin.audit.action'),
      className: 'mono nowrap',
      render: (r) => h('span', { translate: 'no' }, r.action),
    },
    {
      key: 'target',
      title: t('admin.audit.target'),
      render: (r) => (r.target ? h('span', { translate: 'no' }, r.target) : NO_VALUE),
    },
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
        r.details
          ? h(NEllipsis, { style: 'max-width: 320px', translate: 'no' }, () => JSON.stringify(r.details))
          : NO_VALUE,
    },
  ]);
}
