/**
 * "Go to this incident": select it, open its detail, show the incidents tab, and fly the desk's
 * map to where it happened (outside the desk only the selection changes).
 */
import type { IncidentView } from '@shared/incidents';
import { useIncidentStore } from '../stores/incidents';
import { useDeskMap, useDeskTab } from '../common/useDeskShared';
import { toDrawn } from '../stores/basemap';

/** The zoom an incident is shown at: its street and the cameras around it. */
export const INCIDENT_ZOOM = 17;

export function useFocusIncident() {
  const store = useIncidentStore();
  const map = useDeskMap();
  const tab = useDeskTab();

  return (i: Pick<IncidentView, 'id' | 'position'>, opts: { open?: boolean; fly?: boolean } = {}): void => {
    tab.value = 'incidents';
    if (opts.open ?? true) store.open(i.id);
    else store.select(i.id);
    if (opts.fly ?? true) map.value?.flyTo(toDrawn(i.position), INCIDENT_ZOOM);
  };
}
