/**
 * Routes. Every page is a lazy import so each screen is its own chunk: the wall, the desk, the
 * field view and the citizen page load only what they use.
 *
 * Every route needs a session except those marked `public`; `roles` narrows a route to some roles
 * (the guard in auth/install.ts applies both, and sends a user who must set up a second factor to
 * the TOTP page first).
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@shared/auth';

/** The roles with `stats:read` in the hub's policy (server/auth/policy.ts): all but the field phones. */
const STATS_READERS: readonly Role[] = ['admin', 'commander', 'dispatcher', 'wall', 'viewer'];

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the sign-in page). */
    public?: boolean;
    /** Only these roles; others are sent to '/'. */
    roles?: readonly Role[];
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'desk' } },
  { path: '/login', name: 'login', component: () => import('../auth/LoginPage.vue'), meta: { public: true } },
  {
    path: '/desk',
    name: 'desk',
    component: () => import('../desk/DeskPage.vue'),
    // Start fetching the static layers while the desk's code (MapLibre, deck.gl) is still loading.
    // (Route guards run first: only with a session.)
    beforeEnter: () => {
      void import('../stores/prefetchLayers').then((m) => m.prefetchLayers());
    },
  },
  { path: '/overview', name: 'overview', component: () => import('../overview/OverviewPage.vue') },
  // 分析研判 (issue 16): the figures, charts (ECharts, in this route's chunks only) and the monthly
  // per-grid analysis; for every role that may read the figures (the hub checks the scope).
  {
    path: '/analysis',
    name: 'analysis',
    component: () => import('../analysis/AnalysisPage.vue'),
    meta: { roles: STATS_READERS },
  },
  // The wall (issue 17): a 4K display nobody touches; and the plain screen of a wall signed out.
  { path: '/wall', name: 'wall', component: () => import('../wall/WallPage.vue'), meta: { roles: STATS_READERS } },
  { path: '/wall/ended', name: 'wall-ended', component: () => import('../wall/WallEnded.vue'), meta: { public: true } },
  // Major security events (issue 17): the plans (commanders edit, every reader sees), the leader
  // view (tablet and wall) and the after-action report.
  {
    path: '/events',
    name: 'events',
    component: () => import('../events/EventsPage.vue'),
    meta: { roles: STATS_READERS },
  },
  {
    path: '/events/:id',
    name: 'event-lead',
    component: () => import('../events/EventLeadPage.vue'),
    meta: { roles: STATS_READERS },
  },
  {
    path: '/events/:id/report',
    name: 'event-report',
    component: () => import('../events/EventReportPage.vue'),
    meta: { roles: STATS_READERS },
  },
  { path: '/account/totp', name: 'totp', component: () => import('../account/TotpPage.vue') },
  // Phone-sized pages (issue 6): a field unit's assignments, and the citizen's report (no account).
  { path: '/field', name: 'field', component: () => import('../field/FieldPage.vue'), meta: { roles: ['field'] } },
  { path: '/report', name: 'report', component: () => import('../report/ReportPage.vue'), meta: { public: true } },
  {
    path: '/report/:code',
    name: 'report-status',
    component: () => import('../report/ReportStatusPage.vue'),
    meta: { public: true },
  },
  // Printable QR codes (码上解纷) of a community's grids, opening the citizen page.
  {
    path: '/qr',
    name: 'qr',
    component: () => import('../report/QrSheetPage.vue'),
    meta: { roles: ['admin', 'commander', 'dispatcher'] },
  },
  { path: '/admin', name: 'admin', component: () => import('../admin/AdminPage.vue'), meta: { roles: ['admin'] } },
  // Unknown paths (old bookmarks on a wall PC) land on the desk rather than a blank page.
  { path: '/:pathMatch(.*)*', redirect: { name: 'desk' } },
];

export const router = createRouter({ history: createWebHistory(), routes });
