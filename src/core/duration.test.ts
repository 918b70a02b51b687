import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate, parseDuration } from './duration.js';
import { ValidationError } from './errors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['2h', 7_200],
    ['1h30m', 5_400],
    ['1h 30m', 5_400],
    ['1d', 86_400],
    ['1d2h3m4s', 93_784],
    ['2H', 7_200],
    [' 45 ', 45],
    ['0s', 0],
    ['3600', 3_600],
    [3600, 3_600],
    [0, 0],
  ] as const)('%j → %d seconds', (input, expected) => {
    expect(parseDuration(input, 'timeout')).toBe(expected);
  });

  it.each(['', 'abc', '15x', '1.5h', '30m1h', '1h1h', '-5', 'h', '1 h 30', '1e3'])(
    'rejects %j, naming the field',
    (input) => {
      expect(() => parseDuration(input, 'timeout')).toThrow(ValidationError);
      expect(() => parseDuration(input, 'timeout')).toThrow(/^timeout: /);
    },
  );

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input, 'retry.delay')).toThrow(/^retry\.delay: .*whole, non-negative/);
  });

  it('rejects absurdly long durations', () => {
    expect(() => parseDuration('999999999d', 'timeout')).toThrow(/longer than 100 years/);
  });

  it('quotes the input in the message', () => {
    expect(() => parseDuration('15x', 'timeout')).toThrow("timeout: '15x' is not a duration");
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [2.5, '2.5s'],
    [0.04, '0s'],
    [59.96, '1m'],
    [90, '1m 30s'],
    [3_600, '1h'],
    [3_601, '1h'],
    [5_400, '1h 30m'],
    [86_400, '1d'],
    [93_784, '1d 2h'],
    [-90, '-1m 30s'],
    [Number.NaN, '—'],
  ])('%d → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatBytes / formatRate', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1_023, '1023 B'],
    [1_024, '1 KiB'],
    [1_536, '1.5 KiB'],
    [1.5 * 1024 ** 2, '1.5 MiB'],
    [15.3 * 1024 ** 2, '15.3 MiB'],
    [153 * 1024 ** 2, '153 MiB'],
    [1024 ** 2 - 1, '1 MiB'],
    [2 * 1024 ** 4, '2 TiB'],
    [-2048, '-2 KiB'],
    [Number.NaN, '—'],
  ])('%d → %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });

  it('formats a rate per second', () => {
    expect(formatRate(12.3 * 1024 ** 2)).toBe('12.3 MiB/s');
  });
});
