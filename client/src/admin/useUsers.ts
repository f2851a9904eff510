/** The users tab's state: the list from the hub, and every change to a user, each followed by a reload. */
import { onMounted, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { CreateUserBody, UpdateUserBody, UserView } from '../../../shared/auth';
import { useErrorText } from '../common/useErrorText';
import { createUser, endUserSessions, listUsers, updateUser } from './api';

export function useUsers() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const users = shallowRef<UserView[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function reload(): Promise<void> {
    loading.value = true;
    try {
      users.value = await listUsers();
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }
  onMounted(() => void reload());

  /** Runs a change; says it worked (or why not) and reloads. Throws nothing: returns success. */
  async function change(action: () => Promise<unknown>, done: string): Promise<boolean> {
    try {
      await action();
      message.success(done);
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      await reload();
    }
  }

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
