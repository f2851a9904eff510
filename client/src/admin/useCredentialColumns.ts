/** Columns of the device key / wall token table, with a revoke button (after a confirm) on live ones. */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NButton, NPopconfirm, NTag, type DataTableColumns } from 'naive-ui';
import type { CredentialView } from '@shared/auth';
import { NO_VALUE } from '../util/format';
import { formatTime } from './time';

export function useCredentialColumns(revoke: (c: CredentialView) => void) {
  const { t } = useI18n();
  return computed<DataTableColumns<CredentialView>>(() => [
    // Names, key prefixes and usernames are data (translate="no": the zh-CN English scan skips them).
    { key: 'name', title: t('admin.credentials.name'), render: (c) => h('span', { translate: 'no' }, c.name) },
    { key: 'scope', title: t('admin.credentials.scope'), render: (c) => `${c.scopeName} (${c.scope})` },
    {
      key: 'prefix',
      title: t('admin.credentials.prefix'),
      className: 'mono',
      render: (c) => h('span', { translate: 'no' }, `${c.prefix}…`),
    },
    {
      key: 'createdAt',
      title: t('admin.credentials.createdAt'),
      className: 'num',
      render: (c) => formatTime(c.createdAt),
    },
    {
      key: 'createdBy',
      title: t('admin.credentials.createdBy'),
      render: (c) => (c.createdBy ? h('span', { translate: 'no' }, c.createdBy) : NO_VALUE),
    },
    {
      key: 'lastUsedAt',
      title: t('admin.credentials.lastUsed'),
      className: 'num',
      render: (c) => (c.lastUsedAt ? formatTime(c.lastUsedAt) : t('admin.never')),
    },
    {
      key: 'status',
      title: t('admin.credentials.status'),
      render: (c) =>
        h(NTag, { size: 'small', bordered: false, type: c.revokedAt ? 'error' : 'success' }, () =>
          c.revokedAt ? `${t('admin.credentials.revoked')} ${formatTime(c.revokedAt)}` : t('admin.credentials.active'),
        ),
    },
    {
      key: 'actions',
      title: t('admin.credentials.actions'),
      render: (c) =>
        c.revokedAt
          ? null
          : h(
              NPopconfirm,
              { onPositiveClick: () => revoke(c) },
              {
                trigger: () =>
                  h(NButton, { size: 'tiny', secondary: true, type: 'error', 'data-testid': 'credential-revoke' }, () =>
                    t('admin.credentials.revoke'),
                  ),
                default: () => t('admin.credentials.confirmRevoke', { name: c.name }),
              },
            ),
    },
  ]);
}
