/**
 * Columns of the device endpoints table: what each device is and where it reaches, what the hub has
 * counted of it (last seen, events, folded, refused, dead letters: a link to that tab), a Dahua
 * device's connection; edit, and delete after a confirm.
 */
import { computed, h } from 'vue';
import { useI18n } from 'vue-i18n';
import { NButton, NPopconfirm, NTag, NTooltip, type DataTableColumns } from 'naive-ui';
import type { DeviceEndpointView } from '@shared/devices';
import { NO_VALUE, formatCount } from '../util/format';
import { agoOf } from './device-form';
import { formatTime } from './time';

const KIND_TAG = { isapi: 'info', dahua: 'warning', gb28181: 'success' } as const;

export interface DeviceColumnActions {
  edit: (d: DeviceEndpointView) => void;
  remove: (d: DeviceEndpointView) => void;
  /** Opens the dead letters tab. */
  deadLetters: () => void;
}

export function useDeviceColumns(actions: DeviceColumnActions) {
  const { t, locale } = useI18n();
  const count = (n: number) => formatCount(n, locale.value);
  const data = (text: string, cls = 'mono') => h('span', { class: cls, translate: 'no' }, text);
  const sub = (text: string) => h('div', { class: 'mono devices__sub', translate: 'no' }, text);

  function lastSeen(at: string | null) {
    if (!at) return h('span', { class: 'devices__never', 'data-testid': 'device-last-seen' }, t('admin.devices.never'));
    const { value, unit } = agoOf(new Date(at).getTime(), Date.now());
    const ago = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' }).format(-value, unit);
    return h('span', { title: formatTime(at), 'data-testid': 'device-last-seen' }, ago);
  }

  function connection(d: DeviceEndpointView) {
    if (d.kind !== 'dahua') return NO_VALUE;
    const a = d.attachment;
    if (!a) return h('span', { class: 'devices__never' }, t('admin.devices.notHere'));
    const tag = h(
      NTag,
      { size: 'small', bordered: false, type: a.connected ? 'success' : 'error', 'data-testid': 'device-attachment' },
      () => (a.connected ? t('admin.devices.connected') : t('admin.devices.disconnected')),
    );
    const lines = [
      a.connected && a.since
        ? h('div', { class: 'devices__sub' }, t('admin.devices.since', { at: formatTime(a.since) }))
        : null,
      a.reconnects > 0 ? h('div', { class: 'devices__sub' }, t('admin.devices.reconnects', { n: a.reconnects })) : null,
    ];
    const lastError = a.lastError;
    if (!lastError) return [tag, ...lines];
    // The device's or the network's own words: data.
    return [
      h(NTooltip, null, { trigger: () => tag, default: () => h('span', { translate: 'no' }, lastError) }),
      ...lines,
      h('div', { class: 'devices__error', translate: 'no', title: lastError }, lastError),
    ];
  }

  function address(d: DeviceEndpointView) {
    if (d.isapi) return [data(d.isapi.address), d.isapi.mac ? sub(d.isapi.mac) : null];
    if (d.dahua) return [data(d.dahua.url), sub(d.dahua.username)];
    if (d.gb28181) return [data(d.gb28181.deviceId), sub(d.gb28181.charset.toUpperCase())];
    return NO_VALUE;
  }
  const channelCount = (d: DeviceEndpointView) => Object.keys((d.isapi ?? d.dahua ?? d.gb28181)?.channels ?? {}).length;

  return computed<DataTableColumns<DeviceEndpointView>>(() => [
    // Names, addresses and ids are data (translate="no": the zh-CN English scan skips them).
    { key: 'name', title: t('admin.devices.column.name'), render: (d) => data(d.name, 'devices__name') },
    {
      key: 'kind',
      title: t('admin.devices.column.kind'),
      className: 'nowrap',
      render: (d) =>
        h(NTag, { size: 'small', bordered: false, type: KIND_TAG[d.kind], 'data-testid': 'device-kind' }, () =>
          t(`admin.devices.kinds.${d.kind}`),
        ),
    },
    {
      key: 'scope',
      title: t('admin.devices.column.scope'),
      render: (d) => [h('span', null, d.scopeName), sub(d.scope)],
    },
    { key: 'address', title: t('admin.devices.column.address'), render: address },
    {
      key: 'channels',
      title: t('admin.devices.column.channels'),
      className: 'num',
      render: (d) => h('span', { 'data-testid': 'device-channels' }, count(channelCount(d))),
    },
    {
      key: 'enabled',
      title: t('admin.devices.column.enabled'),
      className: 'nowrap',
      render: (d) =>
        h(NTag, { size: 'small', bordered: false, type: d.enabled ? 'success' : 'default' }, () =>
          d.enabled ? t('admin.yes') : t('admin.no'),
        ),
    },
    {
      key: 'lastSeen',
      title: t('admin.devices.column.lastSeen'),
      className: 'nowrap',
      render: (d) => lastSeen(d.stats.lastSeenAt),
    },
    {
      key: 'eventsIn',
      title: t('admin.devices.column.eventsIn'),
      className: 'num',
      render: (d) => h('span', { 'data-testid': 'device-events-in' }, count(d.stats.eventsIn)),
    },
    { key: 'folded', title: t('admin.devices.column.folded'), className: 'num', render: (d) => count(d.stats.folded) },
    {
      key: 'rejected',
      title: t('admin.devices.column.rejected'),
      className: 'num',
      render: (d) => count(d.stats.rejected),
    },
    {
      key: 'deadLettered',
      title: t('admin.devices.column.deadLettered'),
      className: 'num',
      render: (d) =>
        d.stats.deadLettered > 0
          ? h(
              NButton,
              {
                text: true,
                type: 'warning',
                title: t('admin.devices.openDeadLetters'),
                'data-testid': 'device-dead-letters',
                onClick: actions.deadLetters,
              },
              () => count(d.stats.deadLettered),
            )
          : count(0),
    },
    { key: 'connection', title: t('admin.devices.column.connection'), render: connection },
    {
      key: 'actions',
      title: t('admin.devices.column.actions'),
      render: (d) =>
        h('div', { class: 'row-actions' }, [
          h(
            NButton,
            { size: 'tiny', secondary: true, 'data-testid': 'device-edit', onClick: () => actions.edit(d) },
            () => t('admin.devices.edit'),
          ),
          h(
            NPopconfirm,
            { onPositiveClick: () => actions.remove(d) },
            {
              trigger: () =>
                h(NButton, { size: 'tiny', secondary: true, type: 'error', 'data-testid': 'device-delete' }, () =>
                  t('admin.devices.delete'),
                ),
              default: () => t('admin.devices.confirmDelete', { name: d.name }),
            },
          ),
        ]),
    },
  ]);
}
