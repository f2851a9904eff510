/**
 * The event plan's form (issue 17): the draft of a new or existing event, what it lacks before it
 * can be sent, and the hub's refusal shown on the field it names (held until that field changes:
 * the next save asks the hub again). The perimeter and the posts' positions are kept in WGS84
 * here; the map converts what is drawn (plan-geometry.ts).
 *
 * The shapes (a crossing boundary, a perimeter outside the region, a post outside the ring) are the
 * hub's to judge: it says which field and why, and the form shows it there.
 */
import { computed, reactive, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { ErrorCode } from '@shared/errors';
import { COVERAGE_NEEDS, type CoverageNeed } from '@shared/coverage';
import type { MajorEventBody, MajorEventView, PostKind } from '@shared/major-events';
import type { LonLat, Polygon } from '@shared/world';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { useMajorEventStore } from '../stores/majorEvents';
import { createMajorEvent, updateMajorEvent } from './api';
import { isoWithOffset, planErrorsOf, type PlanErrors, type PlanField } from './plan-geometry';

export interface PostDraft {
  /** The post's point on the map (Terra Draw's feature id). */
  key: string;
  name: string;
  kind: PostKind;
  position: LonLat;
  unitIds: string[];
  staff: string[];
}

export interface PlanDraft {
  name: string;
  regionCode: string | null;
  /** WGS84, closed rings; null until drawn. */
  perimeter: Polygon | null;
  bufferM: number;
  startsAt: number | null;
  endsAt: number | null;
  posts: PostDraft[];
  cameraIds: string[];
  presetId: string | null;
  coverage: Record<CoverageNeed, number | null>;
}

export const DEFAULT_BUFFER_M = 300;
/** A new event's window: from the current minute, for this long (the commander changes it). */
const DEFAULT_HOURS = 6;

export function draftOf(e: MajorEventView | null, now = Date.now()): PlanDraft {
  const start = Math.floor(now / 60_000) * 60_000;
  return {
    name: e?.name ?? '',
    regionCode: e?.regionCode ?? null,
    perimeter: e ? e.perimeter.map((r) => r.map((p) => [p[0], p[1]] as LonLat)) : null,
    bufferM: e?.bufferM ?? DEFAULT_BUFFER_M,
    startsAt: e ? Date.parse(e.startsAt) : start,
    endsAt: e ? Date.parse(e.endsAt) : start + DEFAULT_HOURS * 3_600_000,
    posts: [],
    cameraIds: e ? [...e.cameraIds] : [],
    presetId: e?.presetId ?? null,
    coverage: Object.fromEntries(COVERAGE_NEEDS.map((n) => [n, e?.coverage[n] ?? null])) as Record<
      CoverageNeed,
      number | null
    >,
  };
}

/** The body to send, or the fields that must be filled first. */
export function bodyOf(
  d: PlanDraft,
  offsetMin: number,
): { ok: true; body: MajorEventBody } | { ok: false; missing: PlanField[] } {
  const missing: PlanField[] = [];
  if (!d.name.trim()) missing.push('name');
  if (!d.regionCode) missing.push('regionCode');
  if (!d.perimeter) missing.push('perimeter');
  if (d.startsAt === null) missing.push('startsAt');
  if (d.endsAt === null) missing.push('endsAt');
  if (missing.length) return { ok: false, missing };
  const coverage: MajorEventBody['coverage'] = {};
  for (const n of COVERAGE_NEEDS) if (d.coverage[n] !== null) coverage[n] = d.coverage[n]!;
  return {
    ok: true,
    body: {
      name: d.name.trim(),
      regionCode: d.regionCode!,
      perimeter: d.perimeter!,
      bufferM: d.bufferM,
      startsAt: isoWithOffset(d.startsAt!, offsetMin),
      endsAt: isoWithOffset(d.endsAt!, offsetMin),
      posts: d.posts.map((p) => ({
        name: p.name.trim(),
        kind: p.kind,
        position: p.position,
        unitIds: p.unitIds,
        staff: p.staff.map((s) => s.trim()).filter(Boolean),
      })),
      cameraIds: d.cameraIds,
      presetId: d.presetId,
      coverage,
    },
  };
}

/** What a field holds, to tell whether it changed since the hub refused it. */
function valueOf(d: PlanDraft, f: PlanField): string {
  return f === 'general' ? '' : JSON.stringify(d[f]);
}

export function usePlanForm() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  const store = useMajorEventStore();
  const draft = reactive<PlanDraft>(draftOf(null));
  const editing = shallowRef<MajorEventView | null>(null);
  const touched = ref(false);
  const busy = ref(false);
  /** A failure that names no field (the hub unreachable, a unit outside the scope). */
  const failure = ref<string | null>(null);
  const refused = shallowRef<{ errors: PlanErrors; sent: Partial<Record<PlanField, string>> }>({
    errors: {},
    sent: {},
  });

  function fill(e: MajorEventView | null): void {
    editing.value = e;
    Object.assign(draft, draftOf(e));
    touched.value = false;
    failure.value = null;
    refused.value = { errors: {}, sent: {} };
  }

  const errors = computed<PlanErrors>(() => {
    const out: PlanErrors = {};
    if (touched.value) {
      const b = bodyOf(draft, 0);
      if (!b.ok) for (const f of b.missing) out[f] = t(`eventPlan.required.${f}`);
    }
    for (const [f, m] of Object.entries(refused.value.errors) as [PlanField, string][])
      if (f === 'general' || valueOf(draft, f) === refused.value.sent[f])
        out[f] ??= t('eventPlan.server', { hint: t(`eventPlan.invalid.${f}`), message: m });
    if (failure.value) out.general ??= failure.value;
    return out;
  });

  /** Sends the plan; the saved event, or null (the problems shown). */
  async function save(): Promise<MajorEventView | null> {
    touched.value = true;
    const b = bodyOf(draft, -new Date().getTimezoneOffset());
    if (!b.ok || busy.value) return null;
    busy.value = true;
    failure.value = null;
    refused.value = { errors: {}, sent: {} };
    try {
      const id = editing.value?.id;
      const saved = id ? await updateMajorEvent(id, b.body) : await createMajorEvent(b.body);
      store.upsert(saved);
      message.success(t('eventPlan.saved', { name: saved.name }));
      return saved;
    } catch (e) {
      if (e instanceof ApiError && e.code === ErrorCode.RequestInvalid) {
        const found = planErrorsOf(e.message, e.details);
        const sent: Partial<Record<PlanField, string>> = {};
        for (const f of Object.keys(found) as PlanField[]) sent[f] = valueOf(draft, f);
        refused.value = { errors: found, sent };
      } else {
        failure.value = errorText(e);
      }
      return null;
    } finally {
      busy.value = false;
    }
  }

  return { draft, editing, errors, busy, fill, save };
}
