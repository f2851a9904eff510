import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@server/core/config';
import { negotiateCoding } from '@server/services/layer.service';

describe('loadConfig', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      dataDir: './data',
      demoScale: 'full',
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });
  it('reads values and treats empty strings as unset', () => {
    expect(
      loadConfig({ PORT: '9000', DEMO_SCALE: 'small', DATABASE_URL: 'postgres://u@h/db', DATA_DIR: '' }),
    ).toMatchObject({
      port: 9000,
      demoScale: 'small',
      databaseUrl: 'postgres://u@h/db',
      dataDir: './data',
    });
  });
  it.each([
    [{ PORT: 'x' }, /^invalid setting PORT: .*"x"/],
    [{ PORT: '1.5' }, /PORT/],
    [{ DEMO_SCALE: 'big' }, /DEMO_SCALE/],
    [{ DEMO_SEED: '-1' }, /DEMO_SEED/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    [{ MQTT_CONNECTIONS: '0' }, /MQTT_CONNECTIONS/],
    [{ MQTT_CONNECTIONS: '17' }, /MQTT_CONNECTIONS/],
    [
      { MQTT_CONNECTIONS: '2', MQTT_SHARE_GROUP: 'off' },
      /^invalid setting MQTT_CONNECTIONS: more than 1 needs a shared subscription/,
    ],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
  it('runs the simulated staff with the simulator unless told otherwise, at a settable pace', () => {
    expect(loadConfig({}).simulator?.staff).toEqual({ enabled: true, pace: 1 });
    expect(loadConfig({ SIMULATOR: 'off' }).simulator?.staff?.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).simulator?.staff?.enabled).toBe(false);
    expect(loadConfig({ SIMULATOR_STAFF: 'off' }).simulator?.staff?.enabled).toBe(false);
    expect(loadConfig({ SIMULATOR: 'off', SIMULATOR_STAFF: 'on' }).simulator?.staff?.enabled).toBe(true);
    expect(loadConfig({ SIMULATOR_STAFF_PACE: '0.01' }).simulator?.staff?.pace).toBe(0.01);
    expect(() => loadConfig({ SIMULATOR_STAFF: 'yes' })).toThrow(/^invalid setting SIMULATOR_STAFF: must be on or off/);
    expect(() => loadConfig({ SIMULATOR_STAFF_PACE: '0' })).toThrow(
      /^invalid setting SIMULATOR_STAFF_PACE: must be 0.001-100/,
    );
  });
  it('gives MQTT 4 connections in a share group, 1 without one', () => {
    expect(loadConfig({}).mqttConnections).toBe(4);
    expect(loadConfig({ MQTT_SHARE_GROUP: 'off' }).mqttConnections).toBe(1);
    expect(loadConfig({ MQTT_CONNECTIONS: '2' }).mqttConnections).toBe(2);
  });
  it('never echoes a DATABASE_URL (it may hold a password)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:secret@h/db' })).toThrow(
      /^invalid setting DATABASE_URL: [^"]*$/,
    );
  });
});

describe('negotiateCoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['identity', 'identity'],
    ['gzip;q=0', 'identity'],
  ])('%s → %s', (header, expected) => {
    expect(negotiateCoding(header)).toBe(expected);
  });
});
