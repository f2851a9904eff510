/**
 * A list an admin tab shows whole (users, device keys, wall tokens): loaded on mount, reloaded on
 * demand and after every change; a change says it worked (or why not) and returns whether it did.
 */
import { onMounted, ref, shallowRef } from 'vue';
import { useMessage } from 'naive-ui';
import { useErrorText } from '../common/useErrorText';

export function useAdminList<T>(fetchAll: () => Promise<T[]>) {
  const message = useMessage();
  const errorText = useErrorText();
  const items = shallowRef<T[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function reload(): Promise<void> {
    loading.value = true;
    try {
      items.value = await fetchAll();
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }
  onMounted(() => void reload());

  /** Runs a change; says it worked (`done`, if given) or why not, and reloads. Throws nothing. */
  async function change(action: () => Promise<unknown>, done?: string): Promise<boolean> {
    try {
      await action();
      if (done !== undefined) message.success(done);
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      await reload();
    }
  }

  return { items, loading, error, reload, change };
}
