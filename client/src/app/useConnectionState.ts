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
  const { t, locale } = useI18n();
  return {
    state: computed(() => hub.connection),
    label: computed(() => t(`connection.${hub.connection}`)),
    colour: computed(() => COLOURS[hub.connection]),
    /** As a tooltip: why the link is down, or which streams are still catching up. */
    detail: computed(() => {
      if (hub.connection === 'live') return null;
      if (hub.connection === 'resyncing') {
        if (hub.behind.length === 0) return null;
        const names = hub.behind.map((s) => t(`connection.stream.${s}`));
        return t('connection.behind', {
          streams: new Intl.ListFormat(locale.value, { type: 'conjunction' }).format(names),
        });
      }
      return hub.lastError;
    }),
    /** The streams still catching up (data-behind on the indicator: diagnostics and tests). */
    behind: computed(() => hub.behind.join(' ')),
  };
}
