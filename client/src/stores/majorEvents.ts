/**
 * The major events the user's scope holds (issue 17): the desk and the wall draw the open ones'
 * perimeters and posts; the events pages list them. Asked of the hub when first used, every
 * 30 seconds while some screen uses them, and again whenever the link comes back live (an event
 * opens or closes by the clock, so a plain refresh is enough: no stream of its own).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { majorEventStatus, majorEventView, postState, type MajorEventView, type PostState } from '@shared/major-events';
import { getJson } from '../api/http';
import { useHubStore } from './hub';
import { useUnitStore } from './units';

const REFRESH_MS = 30_000;
const listReply = z.object({ events: z.array(majorEventView) });

export interface EventShape {
  id: string;
  perimeter: MajorEventView['perimeter'];
  bufferRing: MajorEventView['bufferRing'];
  posts: { name: string; kind: 'post' | 'checkpoint'; position: [number, number]; state: PostState }[];
}

/** An event with its posts' states, from the units' live statuses. */
export function shapeOf(e: MajorEventView, units: ReadonlyMap<string, { status: string }>): EventShape {
  return {
    id: e.id,
    perimeter: e.perimeter,
    bufferRing: e.bufferRing,
    posts: e.posts.map((p) => ({
      name: p.name,
      kind: p.kind,
      position: p.position,
      state: postState(
        p.unitIds.map((id) => units.get(id)?.status),
        p.staff.length,
      ),
    })),
  };
}

export const useMajorEventStore = defineStore('majorEvents', () => {
  const hub = useHubStore();
  const events = shallowRef<MajorEventView[]>([]);
  const loaded = ref(false);
  const error = ref<unknown>(null);
  const now = ref(Date.now());
  let users = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let inFlight: Promise<void> | null = null;

  function refresh(): Promise<void> {
    inFlight ??= getJson(`${API_PREFIX}/major-events`, listReply)
      .then((r) => {
        events.value = r.events;
        loaded.value = true;
        error.value = null;
      })
      .catch((e: unknown) => {
        error.value = e;
      })
      .finally(() => {
        inFlight = null;
        now.value = Date.now();
      });
    return inFlight;
  }

  /** Puts one event the user just saved in place (the next refresh confirms it). */
  function upsert(e: MajorEventView): void {
    const rest = events.value.filter((x) => x.id !== e.id);
    events.value = [e, ...rest].sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  }

  /** A screen uses the events from now until the returned function is called. */
  function use(): () => void {
    users++;
    if (users === 1) {
      void refresh();
      timer = setInterval(() => void refresh(), REFRESH_MS);
    }
    return () => {
      users--;
      if (users === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }

  watch(
    () => hub.connection,
    (c) => {
      if (c === 'live' && users > 0) void refresh();
    },
  );

  /** The events whose window is open now (by the clock of the last refresh and the hub's status). */
  const open = computed(() =>
    events.value.filter((e) => majorEventStatus(e, now.value) === 'active' && e.status !== 'closed'),
  );

  /** The open events as the map draws them: each post with its state from its units' live statuses. */
  const units = useUnitStore();
  const openShapes = computed(() => open.value.map((e) => shapeOf(e, units.byId)));

  return { events, loaded, error, open, openShapes, refresh, upsert, use };
});
