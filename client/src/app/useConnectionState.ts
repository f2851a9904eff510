/** The connection indicator's model: state, label and colour. */
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useHubStore, type ConnectionState } from '../stores/hub';

const COLOURS: Record<ConnectionState, string> = {
  live: '#2fd27c',
  reconnecting: '#ffb020',
  resyncing: '#4aa8ff',
  connecting: '#9aabc4',
};

export function useConnectionState() {
  const hub = useHubStore();
  const { t } = useI18n();
  return {
    state: computed(() => hub.connection),
    label: computed(() => t(`connection.${hub.connection}`)),
    colour: computed(() => COLOURS[hub.connection]),
    /** Why the link is down, as a tooltip. */
    detail: computed(() => (hub.connection === 'live' || hub.connection === 'resyncing' ? null : hub.lastError)),
  };
}
