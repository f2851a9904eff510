/** Strings of the wall (issue 17), merged into en.ts. */
export default {
  wall: {
    title: '{city} command wall',
    event: 'Major event: {name}',
    stale: 'Data may be stale (last live {time}); reconnecting',
    waiting: '{n} more priority-1 alarms waiting',
    minutes: '{n} min',
    noUnit: 'no unit available',
    noGaps: 'Every grid covered',
    ended: {
      title: 'This wall is signed out',
      revoked: "An administrator revoked this wall's token. Ask an administrator to authorise it again.",
      other: "This wall's session ended. Ask an administrator to authorise it again.",
    },
    panel: {
      kpis: 'Today',
      trend: 'Incidents, last 7 days',
      categories: "Today's incidents by category",
      incidents: 'Incidents in progress',
      units: 'Units',
      coverage: 'Coverage gaps',
    },
    unitStatus: { available: 'Free', busy: 'Busy', offline: 'Off duty' },
    unitKind: {
      police: 'Police',
      patrol_car: 'Patrol cars',
      grid_worker: 'Grid workers',
      fire: 'Fire',
      medical: 'Medical',
      department: 'Departments',
    },
  },
};
