/** Columns of the dead-letter table; a row expands to the payload as text and as base64. */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NEllipsis, NTag, type DataTableColumns } from 'naive-ui';
import type { DeadLetterView } from '@shared/dead-letters';
import { formatTime } from './time';

export function useDeadLetterColumns() {
  const { t } = useI18n();
  return computed<DataTableColumns<DeadLetterView>>(() => [
    {
      type: 'expand',
      renderExpand: (r) =>
        h('div', { class: 'payload', 'data-testid': 'dead-letter-payload' }, [
          h('div', { class: 'payload__label' }, t('admin.deadLetters.asText')),
          h('pre', { class: 'payload__body mono' }, r.text),
          h('div', { class: 'payload__label' }, t('admin.deadLetters.asBase64')),
          h('pre', { class: 'payload__body mono payload__b64' }, r.base64),
          r.truncated ? h('div', { class: 'payload__note' }, t('admin.deadLetters.truncated')) : null,
        ]),
    },
    { key: 'id', title: t('admin.deadLetters.id'), className: 'num', width: 70 },
    {
      key: 'receivedAt',
      title: t('admin.deadLetters.at'),
      className: 'num',
      width: 170,
      render: (r) => formatTime(r.receivedAt),
    },
    {
      key: 'channel',
      title: t('admin.deadLetters.channel'),
      width: 80,
      render: (r) => h(NTag, { size: 'small', bordered: false }, () => r.channel),
    },
    { key: 'topic', title: t('admin.deadLetters.topic'), className: 'mono nowrap' },
    {
      key: 'error',
      title: t('admin.deadLetters.error'),
      render: (r) => h(NEllipsis, { style: 'max-width: 360px' }, () => r.error),
    },
    { key: 'bytes', title: t('admin.deadLetters.bytes'), className: 'num', width: 80 },
    {
      key: 'text',
      title: t('admin.deadLetters.payload'),
      className: 'mono',
      render: (r) => h(NEllipsis, { style: 'max-width: 320px' }, () => r.text),
    },
  ]);
}
