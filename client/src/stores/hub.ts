/** The hub connection as the screens see it: connection state, readiness, and which hub boot we talk to. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Readiness } from '../../../shared/api';
import type { HubHello } from '../../../shared/events';

/** 'connecting' until the first hello; 'reconnecting' whenever a live connection was lost. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

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
    connection.value = 'live';
    everLive.value = true;
    lastError.value = null;
    return restarted;
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
  };
});
