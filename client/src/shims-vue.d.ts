// For tools that read .ts files without the Vue language plugin (typescript-eslint's type-aware
// rules); vue-tsc resolves real .vue files first and ignores this fallback.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
