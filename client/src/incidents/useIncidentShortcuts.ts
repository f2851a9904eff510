/**
 * The desk's incident keys: j / k or ↓ / ↑ move the selection, Enter opens it, a accepts, d
 * dispatches the checked (or first proposed) unit, e escalates, n opens the new-incident form, Esc
 * ends a map pick or closes the detail. Never while typing (inputs, text areas, selects), inside a
 * dialog, or with a modifier held; the arrows are left to the map when it has the focus (it pans).
 * The action keys do only what the hub offers this user now (the detail's `actions`).
 */
import { onKeyStroke } from '@vueuse/core';
import type { IncidentAction } from '@shared/incident-machine';
import { useIncidentStore } from '../stores/incidents';
import { useIncidentList } from './useIncidentList';
import { useIncidentDetail } from './useIncidentDetail';
import { useDispatchProposal } from './useDispatchProposal';
import { useNewIncident } from './useNewIncident';
import { useDeskTab } from '../common/useDeskShared';

/** The keys and what they do, for the help tooltip (labels: incidents.shortcuts.<key>). */
export const SHORTCUTS = [
  { keys: ['J', 'K', '↓', '↑'], label: 'move' },
  { keys: ['Enter'], label: 'open' },
  { keys: ['A'], label: 'accept' },
  { keys: ['D'], label: 'dispatch' },
  { keys: ['E'], label: 'escalate' },
  { keys: ['N'], label: 'new' },
  { keys: ['Esc'], label: 'close' },
] as const;

/** Whether a key press belongs to what has the focus rather than to the desk. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  return !!target.closest('.n-modal, .n-dialog, .n-popover, [role="dialog"]');
}

export function useIncidentShortcuts(): void {
  const store = useIncidentStore();
  const list = useIncidentList();
  const { detail, busy, act } = useIncidentDetail();
  const proposal = useDispatchProposal();
  const form = useNewIncident();
  const tab = useDeskTab();

  const offered = (a: IncidentAction): boolean => !busy.value && !!detail.value?.actions.includes(a);

  onKeyStroke(true, (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (e.key === 'Escape') {
      if (form.picking.value) form.stopPicking();
      else if (!isTyping(e.target) && store.openId) store.open(null);
      return;
    }
    if (isTyping(e.target) || form.show.value) return;
    const onMap = e.target instanceof Element && !!e.target.closest('.maplibregl-map');
    const onControl = e.target instanceof Element && !!e.target.closest('button, a, [tabindex]');
    switch (e.key) {
      case 'j':
      case 'k':
      case 'ArrowDown':
      case 'ArrowUp':
        if (onMap && e.key.startsWith('Arrow')) return;
        tab.value = 'incidents';
        list.move(e.key === 'j' || e.key === 'ArrowDown' ? 1 : -1);
        break;
      case 'Enter':
        if (onControl) return; // a focused button or row handles its own Enter
        list.openSelected();
        break;
      case 'a':
        if (offered('accept')) void act('accept');
        break;
      case 'd':
        if (offered('dispatch')) void proposal.dispatch();
        break;
      case 'e':
        if (offered('escalate')) void act('escalate');
        break;
      case 'n':
        if (list.canHandle.value) form.open();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
}
