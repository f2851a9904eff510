/** The users tab's state: the list from the hub, and every change to a user, each followed by a reload. */
import { useI18n } from 'vue-i18n';
import type { CreateUserBody, UpdateUserBody, UserView } from '@shared/auth';
import { createUser, endUserSessions, listUsers, updateUser } from './api';
import { useAdminList } from './useAdminList';

export function useUsers() {
  const { t } = useI18n();
  const { items: users, loading, error, reload, change } = useAdminList(listUsers);

  return {
    users,
    loading,
    error,
    reload,
    create: (body: CreateUserBody) => change(() => createUser(body), t('admin.users.created', { name: body.username })),
    update: (u: UserView, body: UpdateUserBody) => change(() => updateUser(u.id, body), t('admin.users.saved')),
    endSessions: (u: UserView) => change(() => endUserSessions(u.id), t('admin.users.signedOut', { name: u.username })),
  };
}
