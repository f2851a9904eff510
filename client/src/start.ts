/** Builds the app: Pinia, the session wiring (router guard, HTTP hooks, socket), router, i18n. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { i18n } from './i18n';
import { installSession } from './auth/install';
import './app/global.css';

const pinia = createPinia();
const app = createApp(App).use(pinia);
// Before the router's first navigation: its guard loads the session, and the socket starts with it.
installSession(pinia, router);
app.use(router).use(i18n).mount('#app');
