/**
 * The dark theme of the components the phone pages use beyond the app's list (app/theme.ts):
 * a nested NConfigProvider merges these into the app's theme, so only these pages load them.
 */
import { commonDark, radioDark, rateDark, timelineDark, type GlobalTheme } from 'naive-ui';

export const phoneTheme: GlobalTheme = {
  name: 'dark',
  common: commonDark,
  Radio: radioDark,
  Rate: rateDark,
  Timeline: timelineDark,
};
