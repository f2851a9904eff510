/** The hub connection as the screens see it: connection state, readiness, and which hub boot we talk to. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Readiness } from '@shared/api';
import type { HubHello } from '@shared/events';

/**
 * 'connecting' until the hub first greets us; 'reconnecting' whenever a connection was lost;
 * 'resyncing' from every greeting (the first included) until the screen holds the hub's set of both
 * streams, alarms and incidents, and again whenever a batch shows one missed something; 'live' then.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'resyncing';

/** The streams a screen follows by rev (realtime/catchup.ts keeps each one's cursor). */
export type SyncStream = 'alarms' | 'incidents';

export const useHubStore = defineStore('hub', () => {
  const connection = ref<ConnectionState>('connecting');
  const readiness = shallowRef<Readiness | null>(null);
  const bootId = ref<string | null>(null);
  const startedAt = ref<string | null>(null);
  /** Why the last connection attempt failed (shown next to the indicator). */
  const lastError = ref<string | null>(null);
  const everLive = ref(false);
  /** The streams still catching up since the last greeting (the indicator's tooltip names them). */
  const behind = shallowRef<readonly SyncStream[]>([]);

  /** Applies a greeting; returns true when it comes from a different hub boot than the last one (a restart). */
  function applyHello(hello: HubHello): boolean {
    const restarted = bootId.value !== null && bootId.value !== hello.bootId;
    bootId.value = hello.bootId;
    startedAt.value = hello.startedAt;
    readiness.value = hello.readiness;
    // Not live yet: what was missed while away is still on its way (syncState says when it is in).
    connection.value = 'resyncing';
    lastError.value = null;
    return restarted;
  }

  /**
   * Which streams are behind, after any change: none → 'live'; some → 'resyncing'. Only while
   * connected: a link that dropped stays 'reconnecting' until the next greeting.
   */
  function syncState(streams: readonly SyncStream[]): void {
    behind.value = streams;
    if (connection.value !== 'resyncing' && connection.value !== 'live') return;
    connection.value = streams.length === 0 ? 'live' : 'resyncing';
    if (streams.length === 0) everLive.value = true;
  }

  function applyReadiness(r: Readiness): void {
    readiness.value = r;
  }

  /** The transport is gone; the socket module is already trying again. */
  function connectionLost(reason: string): void {
    connection.value = everLive.value ? 'reconnecting' : 'connecting';
    lastError.value = reason;
  }

  return {
    connection: computed(() => connection.value),
    readiness: computed(() => readiness.value),
    /** True once the hub said it is ready (database, migrations, demo data). */
    ready: computed(() => readiness.value?.ready === true),
    bootId: computed(() => bootId.value),
    startedAt: computed(() => startedAt.value),
    lastError: computed(() => lastError.value),
    behind: computed(() => behind.value),
    applyHello,
    applyReadiness,
    connectionLost,
    syncState,
  };
});
