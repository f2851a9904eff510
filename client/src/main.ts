/**
 * Entry. zod 4 probes for `new Function` when it builds an object schema (to compile fast parsers);
 * the hub's CSP forbids eval (script-src 'self'), so every screen would report a Content Security
 * Policy violation. zod reads its settings from this global when it loads, so the global is set
 * here, and the app (whose chunks hold zod and every schema) is imported only after: a static
 * import would be evaluated before this module's body, whatever the order in the source.
 */
(globalThis as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig = { jitless: true };
void import('./start');
