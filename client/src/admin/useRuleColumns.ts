/** Columns of the rules table: what each rule matches, how urgent, how it folds and expires; edit. */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NButton, NTag, type DataTableColumns } from 'naive-ui';
import { FOLD_MINUTES_DEFAULT, type Rule } from '@shared/rules';

const PRIORITY_TAG = { 1: 'error', 2: 'warning', 3: 'info', 4: 'default' } as const;
/** A kind's scope, under its name: small and grey like the rule's id, and free to wrap. */
const SCOPE_STYLE = { fontSize: '12px', color: '#8b9bb4', whiteSpace: 'normal' } as const;

export function useRuleColumns(edit: (r: Rule) => void) {
  const { t } = useI18n();
  const minutes = (n: number) => t('rules.minutes', { n });

  return computed<DataTableColumns<Rule>>(() => [
    {
      key: 'name',
      title: t('rules.column.name'),
      // The id is data (translate="no"): the same on every screen.
      render: (r) => [r.name, h('div', { class: 'mono rules__id', translate: 'no' }, r.id)],
    },
    {
      key: 'kind',
      title: t('rules.column.kind'),
      className: 'nowrap',
      render: (r) => {
        const kind = t(`rules.kind.${r.kind}`);
        if (r.kind !== 'camera') return kind;
        // Which cameras it listens to: every kind, or the kinds by the names the map's legend gives them.
        const kinds = r.cameraKinds?.length
          ? r.cameraKinds.map((k) => t(`layers.cameraKinds.${k}`)).join('、')
          : t('rules.scope.all');
        return [
          kind,
          h('div', { style: SCOPE_STYLE, 'data-testid': 'rule-scope' }, t('rules.scope.camera', { kinds })),
        ];
      },
    },
    {
      key: 'eventTypes',
      title: t('rules.column.eventTypes'),
      render: (r) => r.eventTypes.map((e) => t(`alarms.types.${e}`)).join('、'),
    },
    {
      key: 'priority',
      title: t('rules.column.priority'),
      render: (r) =>
        h(
          NTag,
          { size: 'small', bordered: false, type: PRIORITY_TAG[r.priority], 'data-testid': 'rule-priority' },
          () => t(`alarms.priority.${r.priority}`),
        ),
    },
    {
      key: 'foldMinutes',
      title: t('rules.column.fold'),
      className: 'num',
      render: (r) =>
        h('span', { 'data-testid': 'rule-fold' }, [
          r.foldMinutes === undefined
            ? t('rules.defaultFold', { n: FOLD_MINUTES_DEFAULT })
            : r.foldMinutes === 0
              ? t('rules.noFold')
              : minutes(r.foldMinutes),
        ]),
    },
    {
      key: 'expireMinutes',
      title: t('rules.column.expire'),
      className: 'num',
      render: (r) => (r.expireMinutes === undefined ? t('rules.never') : minutes(r.expireMinutes)),
    },
    {
      key: 'enabled',
      title: t('rules.column.enabled'),
      render: (r) =>
        h(NTag, { size: 'small', bordered: false, type: r.enabled ? 'success' : 'default' }, () =>
          r.enabled ? t('admin.yes') : t('admin.no'),
        ),
    },
    {
      key: 'actions',
      title: t('rules.column.actions'),
      render: (r) =>
        h(NButton, { size: 'tiny', secondary: true, 'data-testid': 'rule-edit', onClick: () => edit(r) }, () =>
          t('rules.edit'),
        ),
    },
  ]);
}
