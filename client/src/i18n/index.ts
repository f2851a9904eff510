/** vue-i18n with zh-CN (default) and en; the choice is remembered per browser. */
import { createI18n } from 'vue-i18n';
import { useLocalStorage } from '@vueuse/core';
import zhCN from './zh-CN';
import en from './en';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];

const stored = useLocalStorage<AppLocale>('locale', 'zh-CN');
const initial: AppLocale = (LOCALES as readonly string[]).includes(stored.value) ? stored.value : 'zh-CN';

// en.ts is checked against zh-CN's shape (`satisfies`), so both files carry the same keys.
export const i18n = createI18n({
  legacy: false,
  locale: initial,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  stored.value = locale;
  document.documentElement.lang = locale;
}

document.documentElement.lang = initial;
