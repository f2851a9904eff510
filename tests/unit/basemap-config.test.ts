/** The map settings: MAP_STYLE_URL and MAP_CRS (server/core/config.ts). */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@server/core/config';

describe('map settings', () => {
  it('default to the built-in style in WGS84', () => {
    expect(loadConfig({})).toMatchObject({ mapStyleUrl: undefined, mapCrs: 'wgs84' });
  });

  it.each([
    'https://tiles.example.cn/styles/dark/style.json',
    'http://10.1.2.3:8000/style.json?key=abc',
    '/tiles/style.json',
  ])('accept a style URL: %s', (url) => {
    expect(loadConfig({ MAP_STYLE_URL: url, MAP_CRS: 'gcj02' })).toMatchObject({ mapStyleUrl: url, mapCrs: 'gcj02' });
  });

  it.each(['tiles/style.json', 'ftp://h/style.json', '//cdn.example/style.json', 'https://', 'https://h/a b'])(
    'refuse a style URL that is neither: %s',
    (url) => {
      expect(() => loadConfig({ MAP_STYLE_URL: url })).toThrow(ConfigError);
      // One line naming the variable, without echoing the URL (it may carry a tile key).
      expect(() => loadConfig({ MAP_STYLE_URL: url })).toThrow(/^invalid setting MAP_STYLE_URL: [^"\n]*$/);
    },
  );

  it('refuses an unknown CRS, naming the variable and the choices', () => {
    expect(() => loadConfig({ MAP_CRS: 'bd09' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAP_CRS: 'bd09' })).toThrow(
      /^invalid setting MAP_CRS: must be one of wgs84, gcj02 \(got "bd09"\)$/,
    );
  });
});
