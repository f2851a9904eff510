/**
 * The devices tab's state (issue 18): the endpoints from the hub with what it has counted of each,
 * where devices send and how many messages came from unknown devices; saving one (create or
 * replace, audited by the hub) and deleting one. The counts refresh every 10 s while the page is
 * visible (the tab itself is mounted only while it is the one shown). A save the hub refuses with
 * 400 comes back as its message and details, for the form to put on the fields they name; a 409
 * clash as a sentence for the field that says which device it is; any other failure is said once.
 */
import { shallowRef, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { useDocumentVisibility, useIntervalFn } from '@vueuse/core';
import { ErrorCode } from '@shared/errors';
import type { DeviceEndpointBody, DeviceEndpointList, DeviceEndpointView } from '@shared/devices';
import { ApiError } from '../api/http';
import { useErrorText } from '../common/useErrorText';
import { createDevice, deleteDevice, listDevices, updateDevice } from './api';
import { useAdminList } from './useAdminList';

export const DEVICES_POLL_MS = 10_000;

export type DeviceSaveOutcome =
  { ok: true } | { ok: false; refusal?: { message: string; details: unknown }; conflict?: string };

export function useDevices() {
  const { t } = useI18n();
  const message = useMessage();
  const errorText = useErrorText();
  /** What the list says besides its items. */
  const extra = shallowRef<Omit<DeviceEndpointList, 'items'> | null>(null);
  const {
    items: devices,
    loading,
    error,
    reload,
  } = useAdminList(async () => {
    const { items, ...rest } = await listDevices();
    extra.value = rest;
    return items;
  });

  const poll = useIntervalFn(() => void reload(), DEVICES_POLL_MS, { immediate: false });
  const visibility = useDocumentVisibility();
  watch(
    visibility,
    (v, was) => {
      if (v !== 'visible') return poll.pause();
      // Back from hidden: the counts at once (the first load is useAdminList's).
      if (was !== undefined) void reload();
      poll.resume();
    },
    { immediate: true },
  );

  async function save(device: DeviceEndpointView | null, body: DeviceEndpointBody): Promise<DeviceSaveOutcome> {
    try {
      if (device) await updateDevice(device.id, body);
      else await createDevice(body);
      message.success(t(device ? 'admin.devices.saved' : 'admin.devices.created', { name: body.name }));
      await reload();
      return { ok: true };
    } catch (e) {
      if (e instanceof ApiError && e.status === 400)
        return { ok: false, refusal: { message: e.message, details: e.details } };
      if (e instanceof ApiError && e.code === ErrorCode.DeviceExists) return { ok: false, conflict: errorText(e) };
      message.error(errorText(e));
      return { ok: false };
    }
  }

  async function remove(device: DeviceEndpointView): Promise<void> {
    try {
      await deleteDevice(device.id);
      message.success(t('admin.devices.deleted', { name: device.name }));
    } catch (e) {
      message.error(errorText(e));
    } finally {
      await reload();
    }
  }

  return { devices, extra, loading, error, reload, save, remove };
}
