/** Columns of the users table, with each row's actions (edit, reset password / 2FA, disable, sign out everywhere). */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NButton, NPopconfirm, NTag, type DataTableColumns } from 'naive-ui';
import type { UserView } from '@shared/auth';
import { formatTime } from './time';

export interface UserActions {
  edit: (u: UserView) => void;
  resetPassword: (u: UserView) => void;
  resetTotp: (u: UserView) => void;
  setDisabled: (u: UserView, disabled: boolean) => void;
  endSessions: (u: UserView) => void;
}

export function useUserColumns(actions: UserActions) {
  const { t } = useI18n();

  const button = (
    label: string,
    testid: string,
    onClick?: () => void,
    type: 'default' | 'warning' | 'error' = 'default',
  ) =>
    h(
      NButton,
      { size: 'tiny', secondary: true, type, 'data-testid': testid, ...(onClick ? { onClick } : {}) },
      () => label,
    );
  /** A button that asks first. */
  const confirmed = (
    label: string,
    testid: string,
    question: string,
    onYes: () => void,
    type: 'warning' | 'error' = 'warning',
  ) =>
    h(
      NPopconfirm,
      { onPositiveClick: onYes },
      { trigger: () => button(label, testid, undefined, type), default: () => question },
    );
  const tag = (label: string, type: 'default' | 'success' | 'warning' | 'error' | 'info') =>
    h(NTag, { size: 'small', type, bordered: false }, () => label);

  return computed<DataTableColumns<UserView>>(() => [
    {
      key: 'username',
      title: t('admin.users.username'),
      render: (u) => [
        h('span', { translate: 'no' }, u.username),
        u.demo ? [' ', tag(t('admin.users.demo'), 'info')] : null,
      ],
    },
    { key: 'displayName', title: t('admin.users.displayName') },
    {
      key: 'role',
      title: t('admin.users.role'),
      // A field account with its unit: whose phone it is.
      render: (u) => (u.unit ? `${t(`roles.${u.role}`)} · ${u.unit.callsign}` : t(`roles.${u.role}`)),
    },
    { key: 'scope', title: t('admin.users.scope'), render: (u) => `${u.scopeName} (${u.scope})` },
    {
      key: 'totp',
      title: t('admin.users.totp'),
      render: (u) => tag(u.totpEnabled ? t('admin.yes') : t('admin.no'), u.totpEnabled ? 'success' : 'default'),
    },
    {
      key: 'disabled',
      title: t('admin.users.disabled'),
      render: (u) =>
        tag(u.disabled ? t('admin.users.disabledTag') : t('admin.users.active'), u.disabled ? 'error' : 'success'),
    },
    {
      key: 'lastLoginAt',
      title: t('admin.users.lastLogin'),
      className: 'num',
      render: (u) => (u.lastLoginAt ? formatTime(u.lastLoginAt) : t('admin.never')),
    },
    { key: 'sessions', title: t('admin.users.sessions'), align: 'right', className: 'num' },
    {
      key: 'actions',
      title: t('admin.users.actions'),
      render: (u) =>
        h('div', { class: 'row-actions' }, [
          button(t('admin.users.edit'), 'user-edit', () => actions.edit(u)),
          button(t('admin.users.resetPassword'), 'user-reset-password', () => actions.resetPassword(u)),
          u.totpEnabled
            ? confirmed(
                t('admin.users.resetTotp'),
                'user-reset-totp',
                t('admin.users.confirmResetTotp', { name: u.username }),
                () => actions.resetTotp(u),
              )
            : null,
          u.disabled
            ? button(t('admin.users.enable'), 'user-enable', () => actions.setDisabled(u, false))
            : confirmed(
                t('admin.users.disable'),
                'user-disable',
                t('admin.users.confirmDisable', { name: u.username }),
                () => actions.setDisabled(u, true),
                'error',
              ),
          confirmed(
            t('admin.users.signOutEverywhere'),
            'user-sign-out',
            t('admin.users.confirmSignOut', { name: u.username }),
            () => actions.endSessions(u),
          ),
        ]),
    },
  ]);
}
