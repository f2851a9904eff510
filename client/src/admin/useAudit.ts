/**
 * The audit tab: filters, the records found (newest first), "load older" paging by the page's
 * `nextBefore` cursor, and verifying the hash chain.
 */
import { computed, onMounted, reactive, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { AuditQuery, AuditVerify } from '@shared/auth';
import { useErrorText } from '../common/useErrorText';
import { fetchAudit, verifyAudit } from './api';
import { PAGE, useCursorPages } from './useCursorPages';

export type Outcome = AuditQuery['outcome'];

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
  const pages = useCursorPages(
    (q: Partial<AuditQuery>, signal) => fetchAudit(q, signal),
    (page) => page.records,
  );
  const verifying = ref(false);
  const verified = shallowRef<AuditVerify | null>(null);
  const verifyError = ref<string | null>(null);

  function search(): Promise<void> {
    return pages.first(auditQueryOf(filters));
  }
  function reset(): Promise<void> {
    Object.assign(filters, emptyFilters());
    return search();
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
    return v.ok
      ? t('admin.audit.verifyOk', { count: v.count })
      : t('admin.audit.verifyBroken', { seq: v.seq, reason: v.reason });
  });

  onMounted(() => void search());

  const { items: records, nextBefore, loading, error } = pages;
  return {
    filters,
    records,
    nextBefore,
    loading,
    error,
    search,
    reset,
    loadOlder: pages.older,
    verify,
    verifying,
    verified,
    verifyText,
  };
}
