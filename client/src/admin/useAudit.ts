/**
 * The audit tab: filters, the records found (newest first), "load older" paging by the page's
 * `nextBefore` cursor, and verifying the hash chain.
 */
import { computed, onMounted, reactive, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { AuditQuery, AuditRecordView, AuditVerify } from '../../../shared/auth';
import { isAbort } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { fetchAudit, verifyAudit } from './api';

export type Outcome = AuditQuery['outcome'];
const PAGE = 50;

export interface AuditFilters {
  actor: string;
  action: string;
  outcome: Outcome | null;
  /** [from, to] in ms since the epoch (the date picker's value). */
  range: [number, number] | null;
  q: string;
}

export function emptyFilters(): AuditFilters {
  return { actor: '', action: '', outcome: null, range: null, q: '' };
}

/** The query string of the filters as the hub reads it (empty ones left out). */
export function auditQueryOf(f: AuditFilters): Partial<AuditQuery> {
  const q: Partial<AuditQuery> = { limit: PAGE };
  if (f.actor.trim()) q.actor = f.actor.trim();
  if (f.action.trim()) q.action = f.action.trim();
  if (f.outcome) q.outcome = f.outcome;
  if (f.q.trim()) q.q = f.q.trim();
  if (f.range) {
    q.from = new Date(f.range[0]).toISOString();
    q.to = new Date(f.range[1]).toISOString();
  }
  return q;
}

export function useAudit() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const filters = reactive<AuditFilters>(emptyFilters());
  const records = shallowRef<AuditRecordView[]>([]);
  const nextBefore = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const verifying = ref(false);
  const verified = shallowRef<AuditVerify | null>(null);
  const verifyError = ref<string | null>(null);
  let inflight: AbortController | null = null;
  /** The filters of the list on screen: "load older" continues that list, not the fields as edited since. */
  let shown: Partial<AuditQuery> = {};

  async function load(query: Partial<AuditQuery>, append: boolean): Promise<void> {
    inflight?.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    loading.value = true;
    try {
      const page = await fetchAudit(query, ctrl.signal);
      records.value = append ? [...records.value, ...page.records] : page.records;
      nextBefore.value = page.nextBefore;
      error.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      error.value = errorText(e);
    } finally {
      if (inflight === ctrl) {
        inflight = null;
        loading.value = false;
      }
    }
  }

  function search(): Promise<void> {
    shown = auditQueryOf(filters);
    return load(shown, false);
  }
  function reset(): Promise<void> {
    Object.assign(filters, emptyFilters());
    return search();
  }
  function loadOlder(): Promise<void> {
    if (nextBefore.value === null) return Promise.resolve();
    return load({ ...shown, before: nextBefore.value }, true);
  }

  async function verify(): Promise<void> {
    verifying.value = true;
    verifyError.value = null;
    try {
      verified.value = await verifyAudit();
    } catch (e) {
      verified.value = null;
      verifyError.value = errorText(e);
    } finally {
      verifying.value = false;
    }
  }

  const verifyText = computed(() => {
    const v = verified.value;
    if (!v) return verifyError.value;
    return v.ok ? t('admin.audit.verifyOk', { count: v.count }) : t('admin.audit.verifyBroken', { seq: v.seq, reason: v.reason });
  });

  onMounted(() => void search());

  return { filters, records, nextBefore, loading, error, search, reset, loadOlder, verify, verifying, verified, verifyText };
}
