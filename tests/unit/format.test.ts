import { describe, expect, it } from 'vitest';
import { NO_VALUE, formatCount, formatPercent, ratio } from '@client/util/format';

describe('formatCount', () => {
  it.each([
    [130245, 'zh-CN', '130,245'],
    [130245, 'en', '130,245'],
    [0, 'zh-CN', '0'],
    [999, 'en', '999'],
    [9323, 'zh-CN', '9,323'],
    [12.6, 'en', '13'],
    [-1500, 'en', '-1,500'],
  ])('%d in %s → %s', (n, locale, expected) => {
    expect(formatCount(n, locale)).toBe(expected);
  });

  it.each([NaN, Infinity, null, undefined])('%s → the no-value mark, never a made-up 0', (n) => {
    expect(formatCount(n, 'zh-CN')).toBe(NO_VALUE);
  });
});

describe('ratio', () => {
  it.each([
    [98, 100, 0.98],
    [0, 50, 0],
    [5, 5, 1],
  ])('%d / %d = %d', (part, total, expected) => {
    expect(ratio(part, total)).toBeCloseTo(expected, 10);
  });

  it.each([
    [0, 0],
    [3, 0],
    [3, -1],
    [NaN, 10],
    [10, Infinity],
  ])('%d / %d has no meaning → null', (part, total) => {
    expect(ratio(part, total)).toBeNull();
  });
});

describe('formatPercent', () => {
  it.each([
    [0.98234, 'zh-CN', 1, '98.2%'],
    [0.98234, 'en', 1, '98.2%'],
    [1, 'zh-CN', 1, '100.0%'],
    [0, 'en', 1, '0.0%'],
    [0.5, 'en', 0, '50%'],
    [0.99999, 'en', 1, '100.0%'],
    [0.12345, 'en', 2, '12.35%'],
  ])('%d in %s with %d decimals → %s', (r, locale, digits, expected) => {
    expect(formatPercent(r, locale, digits)).toBe(expected);
  });

  it('keeps a fixed number of decimals so table columns line up', () => {
    expect(formatPercent(0.9, 'zh-CN')).toBe('90.0%');
  });

  it.each([null, NaN])('%s → the no-value mark', (r) => {
    expect(formatPercent(r, 'zh-CN')).toBe(NO_VALUE);
  });

  it('composes with ratio: zero cameras gives no rate, not 0 %', () => {
    expect(formatPercent(ratio(0, 0), 'zh-CN')).toBe(NO_VALUE);
  });
});
