/** The hub connection as the screens see it: connection state, readiness, and which hub boot we talk to. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Readiness } from '../../../shared/api';
import type { HubHello } from '../../../shared/events';

/**
 * 'connecting' until the first hello and its catch-up; 'reconnecting' whenever a live connection
 * was lost; 'resyncing' from the hello after a reconnect until the catch-up (alarm:sync) answered.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'resyncing';

export const useHubStore = defineStore('hub', () => {
  const connection = ref<ConnectionState>('connecting');
  const readiness = shallowRef<Readiness | null>(null);
  const bootId = ref<string | null>(null);
  const startedAt = ref<string | null>(null);
  /** Why the last connection attempt failed (shown next to the indicator). */
  const lastError = ref<string | null>(null);
  const everLive = ref(false);

  /** Applies a greeting; returns true when it comes from a different hub boot than the last one (a restart). */
  function applyHello(hello: HubHello): boolean {
    const restarted = bootId.value !== null && bootId.value !== hello.bootId;
    bootId.value = hello.bootId;
    startedAt.value = hello.startedAt;
    readiness.value = hello.readiness;
    // Not live yet: what was missed while away is still on its way (caughtUp says so).
    connection.value = everLive.value ? 'resyncing' : 'connecting';
    lastError.value = null;
    return restarted;
  }

  /** The catch-up after a hello answered (or failed: the live pushes flow all the same). */
  function caughtUp(): void {
    if (connection.value === 'reconnecting') return; // lost again meanwhile
    connection.value = 'live';
    everLive.value = true;
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
    applyHello,
    applyReadiness,
    connectionLost,
    caughtUp,
  };
});
