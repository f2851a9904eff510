/**
 * The layering of ARCHITECTURE.md as data: each part (a folder), and the parts it may import.
 * Read by eslint.config.js (import-x/no-restricted-paths, for the editor) and by
 * tests/unit/boundaries.test.ts (the whole import graph, for CI). The order is bottom-up and the
 * `may` lists only name parts above them in this list, so the parts can form no cycle.
 */

/** @typedef {{ name: string, path: string, may: string[] }} Part */

/** What every screen part may use: the contract, helpers, texts, the HTTP client and the stores. */
const base = ['shared', 'client/util', 'client/i18n', 'client/api', 'client/stores'];

/** @type {Part[]} */
export const parts = [
  { name: 'shared', path: 'shared', may: [] },

  // The hub, bottom-up.
  { name: 'server/db', path: 'server/db', may: ['shared'] },
  { name: 'server/core', path: 'server/core', may: ['shared', 'server/db'] },
  { name: 'server/demo', path: 'server/demo', may: ['shared'] },
  { name: 'server/audit', path: 'server/audit', may: ['shared'] },
  { name: 'server/rules', path: 'server/rules', may: ['shared', 'server/demo'] },
  {
    name: 'server/repositories',
    path: 'server/repositories',
    may: ['shared', 'server/db', 'server/core', 'server/audit'],
  },
  { name: 'server/auth', path: 'server/auth', may: ['shared', 'server/core', 'server/repositories'] },
  // Devices in their vendors' protocols (issue 18): parsers and transports that hand notices to a
  // sink (server/devices/ports.ts); the sink, a service, is given them by the composition root.
  { name: 'server/devices', path: 'server/devices', may: ['shared', 'server/core'] },
  {
    name: 'server/services',
    path: 'server/services',
    may: [
      'shared',
      'server/db',
      'server/core',
      'server/demo',
      'server/audit',
      'server/rules',
      'server/repositories',
      'server/auth',
      'server/devices',
    ],
  },
  {
    name: 'server/realtime',
    path: 'server/realtime',
    may: ['shared', 'server/db', 'server/core', 'server/auth', 'server/services'],
  },
  {
    name: 'server/http',
    path: 'server/http',
    may: ['shared', 'server/db', 'server/core', 'server/auth', 'server/services'],
  },
  {
    name: 'server/routes',
    path: 'server/routes',
    may: ['shared', 'server/core', 'server/auth', 'server/services', 'server/http', 'server/devices'],
  },
  {
    name: 'server/simulator',
    path: 'server/simulator',
    may: ['shared', 'server/core', 'server/demo', 'server/repositories'],
  },
  {
    name: 'server/cli',
    path: 'server/cli',
    may: [
      'shared',
      'server/db',
      'server/core',
      'server/audit',
      'server/repositories',
      'server/auth',
      'server/services',
    ],
  },
  // The demo city's year of history (issue 16): the simulator's model and staff driven through the
  // hub's own rules, state machine, effects and folding, pure; and its bulk insert at first start.
  {
    name: 'server/history',
    path: 'server/history',
    may: [
      'shared',
      'server/db',
      'server/core',
      'server/demo',
      'server/rules',
      'server/repositories',
      'server/services',
      'server/simulator',
    ],
  },
  // The composition root (app.ts, main.ts): everything of the hub.
  { name: 'server/(root)', path: 'server', may: ['shared', 'server/*'] },

  // The screens, bottom-up. map/ draws what it is given: it reads no store and no API.
  { name: 'client/util', path: 'client/src/util', may: ['shared'] },
  { name: 'client/i18n', path: 'client/src/i18n', may: ['shared'] },
  { name: 'client/api', path: 'client/src/api', may: ['shared', 'client/util'] },
  { name: 'client/map', path: 'client/src/map', may: ['shared'] },
  { name: 'client/stores', path: 'client/src/stores', may: ['shared', 'client/util', 'client/api'] },
  {
    name: 'client/realtime',
    path: 'client/src/realtime',
    may: ['shared', 'client/util', 'client/api', 'client/stores'],
  },
  { name: 'client/common', path: 'client/src/common', may: [...base, 'client/map'] },
  { name: 'client/account', path: 'client/src/account', may: [...base, 'client/common'] },
  { name: 'client/cameras', path: 'client/src/cameras', may: [...base, 'client/common', 'client/map'] },
  { name: 'client/app', path: 'client/src/app', may: [...base, 'client/common', 'client/account'] },
  { name: 'client/auth', path: 'client/src/auth', may: [...base, 'client/common', 'client/realtime'] },
  { name: 'client/report', path: 'client/src/report', may: [...base, 'client/common', 'client/map', 'client/app'] },
  { name: 'client/field', path: 'client/src/field', may: [...base, 'client/common', 'client/report'] },
  { name: 'client/overview', path: 'client/src/overview', may: [...base, 'client/common', 'client/app'] },
  { name: 'client/analysis', path: 'client/src/analysis', may: [...base, 'client/common', 'client/app'] },
  { name: 'client/admin', path: 'client/src/admin', may: [...base, 'client/common', 'client/app'] },
  {
    name: 'client/incidents',
    path: 'client/src/incidents',
    may: [...base, 'client/common', 'client/map', 'client/cameras', 'client/report'],
  },
  {
    name: 'client/alarms',
    path: 'client/src/alarms',
    may: [...base, 'client/common', 'client/map', 'client/incidents'],
  },
  {
    name: 'client/desk',
    path: 'client/src/desk',
    may: [...base, 'client/common', 'client/map', 'client/app', 'client/cameras', 'client/incidents', 'client/alarms'],
  },
  // The wall (issue 17): the map and the figures' panels for a display nobody touches.
  {
    name: 'client/wall',
    path: 'client/src/wall',
    may: [...base, 'client/common', 'client/map', 'client/cameras', 'client/analysis'],
  },
  // Major security events (issue 17): the plans (Terra Draw on the map), the leader view, the report.
  {
    name: 'client/events',
    path: 'client/src/events',
    may: [...base, 'client/common', 'client/map', 'client/app', 'client/cameras'],
  },
  { name: 'client/router', path: 'client/src/router', may: [...base, 'client/*'] },
  // main.ts, App.vue, start.ts: the screens' entry.
  { name: 'client/(root)', path: 'client/src', may: ['shared', 'client/*'] },
];

/** The part a repository-relative file path belongs to: the longest matching path. */
export function partOf(file) {
  let best = null;
  for (const p of parts) {
    const prefix = `${p.path}/`;
    if (file.startsWith(prefix) && (!best || p.path.length > best.path.length)) {
      // `server` and `client/src` hold only their root files directly; their folders are parts of their own.
      if (p.name.endsWith('(root)') && file.slice(prefix.length).includes('/')) continue;
      best = p;
    }
  }
  return best;
}

/** May a file of part `from` import a file of part `to`? */
export function allowed(from, to) {
  if (from.name === to.name) return true;
  // `x/*`: every part under x but its root (the entry files, which nothing imports).
  return from.may.some(
    (m) => m === to.name || (m.endsWith('/*') && to.name.startsWith(m.slice(0, -1)) && !to.name.endsWith('(root)')),
  );
}
