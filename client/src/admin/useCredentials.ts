/**
 * Device keys or wall tokens: the list, creating one (its secret comes back this once and is held
 * only until the dialog showing it closes), revoking one.
 */
import { shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { CreateCredentialBody, CreatedCredential, CredentialView } from '@shared/auth';
import { createCredential, listCredentials, revokeCredential, type CredentialKind } from './api';
import { useAdminList } from './useAdminList';

export function useCredentials(kind: CredentialKind) {
  const { t } = useI18n();
  const { items, loading, error, reload, change } = useAdminList(() => listCredentials(kind));
  /** The one just created, secret included, until its dialog is closed. */
  const created = shallowRef<CreatedCredential | null>(null);

  /** The secret shows in its own dialog: no message. */
  const create = (body: CreateCredentialBody): Promise<boolean> =>
    change(async () => {
      created.value = await createCredential(kind, body);
    });

  const revoke = async (c: CredentialView): Promise<void> => {
    await change(() => revokeCredential(kind, c.id), t('admin.credentials.revokedDone', { name: c.name }));
  };

  /** Forget the secret: it is never shown again. */
  function dismissSecret(): void {
    created.value = null;
  }

  return { items, loading, error, created, reload, create, revoke, dismissSecret };
}
