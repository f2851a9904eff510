import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { i18n } from './i18n';
import { startRealtime } from './realtime/socket';
import './app/global.css';

const pinia = createPinia();
createApp(App).use(pinia).use(router).use(i18n).mount('#app');
// After Pinia is installed: the socket module feeds the stores from the first second.
startRealtime(pinia);
