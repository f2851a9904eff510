/**
 * The open incident's detail (GET /incidents/:id: the incident, its timeline, sources, and the
 * actions this user may take), shared by the detail panel and the desk's shortcuts: one copy per
 * page. It follows the store's `openId`, shows a higher version pushed live at once and fetches the
 * timeline again just after, and runs every write on it:
 *
 * - an action names the version it saw; a 409 'incident/stale' says someone else changed it first:
 *   the screen says so and shows the current state the answer carries;
 * - any other refusal shows the hub's message (the machine says why);
 * - what the hub answers is merged into the store by rev, like a push.
 */
import { ref, shallowRef, watch } from 'vue';
import { createSharedComposable, useDebounceFn } from '@vueuse/core';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import type { IncidentAction } from '@shared/incident-machine';
import type { IncidentActionBody, IncidentDetail, IncidentView, MediationBody } from '@shared/incidents';
import { useIncidentStore } from '../stores/incidents';
import { ApiError, ClientErrorCode, isAbort } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { actOnIncident, addMediation, attachAlarm, getIncident, staleIncident } from './api';
import { useIncidentLabels } from './useIncidentLabels';

export type ActionExtra = Omit<IncidentActionBody, 'action' | 'version'>;

export const useIncidentDetail = createSharedComposable(() => {
  const store = useIncidentStore();
  const message = useMessage();
  const { t } = useI18n();
  const errorText = useErrorText();
  const labels = useIncidentLabels();

  const detail = shallowRef<IncidentDetail | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** What is being written now (an action's name, 'mediation', 'attach'); buttons wait. */
  const busy = ref<string | null>(null);
  let ctrl: AbortController | null = null;

  /** Fetches the detail; `quiet`: a refresh of what is shown (no spinner, the old copy stays until it comes). */
  async function load(id: string, quiet = false): Promise<void> {
    ctrl?.abort();
    const c = new AbortController();
    ctrl = c;
    if (!quiet) loading.value = true;
    try {
      const d = await getIncident(id, c.signal);
      if (c.signal.aborted || store.openId !== id) return;
      // An answer older than a copy pushed meanwhile would step the screen back: keep the newer incident.
      const live = store.byId.get(id);
      detail.value = live && live.version > d.incident.version ? { ...d, incident: live } : d;
      error.value = null;
      store.upsert(d.incident);
    } catch (e) {
      if (isAbort(e) || c.signal.aborted) return;
      if (!quiet) error.value = errorText(e);
    } finally {
      if (ctrl === c) loading.value = false;
    }
  }

  watch(
    () => store.openId,
    (id) => {
      detail.value = null;
      error.value = null;
      ctrl?.abort();
      loading.value = false;
      if (id) void load(id);
    },
    { immediate: true },
  );

  const refresh = useDebounceFn(() => {
    if (store.openId) void load(store.openId, true);
  }, 250);

  // A push with a higher version: show it now; the timeline and my actions follow from the hub.
  watch(
    () => (store.openId ? store.byId.get(store.openId) : undefined),
    (live, before) => {
      const d = detail.value;
      if (!d) return;
      if (live && live.id === d.incident.id && live.version > d.incident.version) {
        detail.value = { ...d, incident: live };
        void refresh();
      } else if (!live && before && before.id === d.incident.id) {
        void refresh(); // it left the open set (closed, merged, cancelled): fetch its final state
      }
    },
  );

  /** Shows an answer: merged into the store, and as the detail when it is the open one. */
  function apply(answer: IncidentDetail): void {
    store.upsert(answer.incident);
    if (answer.incident.id === store.openId) detail.value = answer;
  }

  function failed(e: unknown, what: string): void {
    const current = staleIncident(e);
    if (current) {
      message.warning(t('incidents.stale'));
      store.upsert(current);
      const d = detail.value;
      if (d && current.id === d.incident.id) {
        detail.value = { ...d, incident: current };
        void refresh();
      }
      return;
    }
    // The hub's own refusals say why in their message; network and contract failures read better translated.
    const hub =
      e instanceof ApiError && e.code !== ClientErrorCode.Unreachable && e.code !== ClientErrorCode.BadResponse;
    message.error(t('incidents.actionFailed', { action: what, reason: hub ? e.message : errorText(e) }));
  }

  async function write(
    what: string,
    label: string,
    run: () => Promise<IncidentDetail>,
    done: string,
  ): Promise<boolean> {
    busy.value = what;
    try {
      apply(await run());
      message.success(done);
      return true;
    } catch (e) {
      failed(e, label);
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** One action of the machine on `target` (default: the open incident), at the version the screen holds. */
  function act(action: IncidentAction, extra: ActionExtra = {}, target?: IncidentView): Promise<boolean> {
    const inc = target ?? detail.value?.incident;
    if (!inc) return Promise.resolve(false);
    const label = labels.action(action);
    return write(
      action,
      label,
      () => actOnIncident(inc.id, { action, version: inc.version, ...extra }),
      t('incidents.actionDone', { action: label }),
    ).then((ok) => {
      // Merging another incident into this one changes this one too (its sources, mergedFrom).
      if (ok && target && store.openId && target.id !== store.openId) void refresh();
      return ok;
    });
  }

  /** Links a nearby alarm (a merge candidate of kind 'alarm') to the open incident. */
  function attach(alarmId: string): Promise<boolean> {
    const inc = detail.value?.incident;
    if (!inc) return Promise.resolve(false);
    return write(
      'attach',
      t('incidents.merge.attach'),
      () => attachAlarm(inc.id, alarmId, inc.version),
      t('incidents.merge.attached'),
    );
  }

  /** Adds a mediation record to the open dispute. */
  function mediate(body: Omit<MediationBody, 'version'>): Promise<boolean> {
    const inc = detail.value?.incident;
    if (!inc) return Promise.resolve(false);
    return write(
      'mediation',
      t('incidents.dispute.add'),
      () => addMediation(inc.id, { ...body, version: inc.version }),
      t('incidents.dispute.saved'),
    );
  }

  function reload(): void {
    if (store.openId) void load(store.openId);
  }

  return { detail, loading, error, busy, act, attach, mediate, reload };
});
