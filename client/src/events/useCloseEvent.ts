/** Closing an event early (POST /:id/close): the list takes the closed event, the user is told. */
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { MajorEventView } from '@shared/major-events';
import { useErrorText } from '../common/useErrorText';
import { useMajorEventStore } from '../stores/majorEvents';
import { closeMajorEvent } from './api';

export function useCloseEvent() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const store = useMajorEventStore();
  async function close(e: MajorEventView): Promise<void> {
    try {
      store.upsert(await closeMajorEvent(e.id));
      message.success(t('eventPlan.closed', { name: e.name }));
    } catch (err) {
      message.error(errorText(err));
    }
  }
  return { close };
}
