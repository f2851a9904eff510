/**
 * Routes. Every page is a lazy import so each screen is its own chunk: the wall, the desk, the
 * field view and the citizen page (to come) will load only what they use.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'desk' } },
  {
    path: '/desk',
    name: 'desk',
    component: () => import('../desk/DeskPage.vue'),
    // Start fetching the static layers while the desk's code (MapLibre, deck.gl) is still loading.
    beforeEnter: () => {
      void import('../map/prefetchLayers').then((m) => m.prefetchLayers());
    },
  },
  { path: '/overview', name: 'overview', component: () => import('../overview/OverviewPage.vue') },
  // Unknown paths (old bookmarks on a wall PC) land on the desk rather than a blank page.
  { path: '/:pathMatch(.*)*', redirect: { name: 'desk' } },
];

export const router = createRouter({ history: createWebHistory(), routes });
