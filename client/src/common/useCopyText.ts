/**
 * Copy a text with feedback. `legacy`: command centres often serve plain HTTP on the intranet,
 * where navigator.clipboard does not exist (it needs a secure context); VueUse then falls back to
 * execCommand('copy').
 */
import { ref } from 'vue';
import { useClipboard } from '@vueuse/core';

export function useCopyText() {
  const { copy, isSupported } = useClipboard({ legacy: true, copiedDuring: 1500 });
  const result = ref<'idle' | 'copied' | 'failed'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function copyText(text: string): Promise<void> {
    clearTimeout(timer);
    try {
      await copy(text);
      result.value = 'copied';
    } catch {
      result.value = 'failed';
    }
    timer = setTimeout(() => (result.value = 'idle'), 1500);
  }

  return { copyText, result, isSupported };
}
