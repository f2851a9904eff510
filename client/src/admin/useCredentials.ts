/**
 * Device keys or wall tokens: the list, creating one (its secret comes back this once and is held
 * only until the dialog showing it closes), revoking one.
 */
import { onMounted, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { CreateCredentialBody, CreatedCredential, CredentialView } from '../../../shared/auth';
import { useErrorText } from '../common/useErrorText';
import { createCredential, listCredentials, revokeCredential, type CredentialKind } from './api';

export function useCredentials(kind: CredentialKind) {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const items = shallowRef<CredentialView[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** The one just created, secret included, until its dialog is closed. */
  const created = shallowRef<CreatedCredential | null>(null);

  async function reload(): Promise<void> {
    loading.value = true;
    try {
      items.value = await listCredentials(kind);
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }
  onMounted(() => void reload());

  async function create(body: CreateCredentialBody): Promise<boolean> {
    try {
      created.value = await createCredential(kind, body);
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      await reload();
    }
  }

  async function revoke(c: CredentialView): Promise<void> {
    try {
      await revokeCredential(kind, c.id);
      message.success(t('admin.credentials.revokedDone', { name: c.name }));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      await reload();
    }
  }

  /** Forget the secret: it is never shown again. */
  function dismissSecret(): void {
    created.value = null;
  }

  return { items, loading, error, created, reload, create, revoke, dismissSecret };
}
