import eventTypeNames, { namesIn } from '@shared/event-type-names';
import type alarmsZh from './alarms.zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** English strings of the alarm queue, popups and the alarm layer; same keys as alarms.zh-CN.ts. */
export default {
  alarms: {
    title: 'Alarm queue',
    empty: 'No open alarms',
    emptyFiltered: 'No alarms match the filters',
    mute: 'Mute alarm sounds',
    unmute: 'Unmute alarm sounds',
    acknowledge: 'Acknowledge',
    falseAlarm: 'False alarm',
    acknowledged: 'Alarm acknowledged',
    markedFalse: 'Marked as a false alarm',
    actionFailed: 'Action failed: {reason}',
    popupTitle: 'P{priority} alarm: {rule}',
    popupBody: '{place} · {time}',
    noZone: 'Grid {grid}',
    cameras: '{n} linked cameras',
    units: 'Proposed units: {list}',
    unitCount: '{n} units proposed',
    unitSeparator: ', ',
    priority: { 1: 'P1', 2: 'P2', 3: 'P3', 4: 'P4' },
    repeats: '×{n}',
    repeatsTitle: 'Repeated {n} times (same rule, same place)',
    gapGridsTitle: '{n} grids of the district lack this need',
    firstLast: 'first {first} · last {last}',
    expiredAt: 'expired {time}',
    raised: '↑ Major event: {name}',
    raisedTitle: 'Inside the perimeter of major event “{name}”: raised from {from}',
    popupClose: 'Close',
    popupsWaiting: '+{n}',
    popupsWaitingTitle: '{n} more alarms not shown as popups: click to see the new alarms in the queue',
    media: { image: 'Picture', video: 'Video', audio: 'Audio' },
    broadcast: 'Loudspeaker: {say}',
    status: {
      new: 'New',
      acknowledged: 'Acknowledged',
      false_alarm: 'False alarm',
      incident: 'Incident',
      expired: 'Expired',
      cleared: 'Cleared',
    },
    filters: {
      type: 'Type',
      allTypes: 'All types',
      status: 'Status',
      open: 'Open',
      region: 'Region',
      allRegions: 'All regions',
    },
    types: { ...namesIn(eventTypeNames, 'en') },
  },
} satisfies Shape<typeof alarmsZh>;
