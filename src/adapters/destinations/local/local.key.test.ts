import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { validateKey, validatePrefix } from './local.key.js';

describe('validateKey', () => {
  it('accepts ordinary relative keys', () => {
    expect(validateKey('acme/nightly/2026-01-01T00-00.sql.zst.kwe')).toEqual([
      'acme',
      'nightly',
      '2026-01-01T00-00.sql.zst.kwe',
    ]);
    expect(validateKey('..hidden/a..b/.x')).toEqual(['..hidden', 'a..b', '.x']);
    expect(validateKey('ünïcode ok/file')).toHaveLength(2);
  });

  it.each([
    ['..'],
    ['../x'],
    ['a/../b'],
    ['a/..'],
    ['.'],
    ['./a'],
    ['/abs'],
    ['a\\b'],
    ['a//b'],
    ['a/'],
    [''],
    ['a\u0000b'],
    ['a\nb'],
    ['.keepwatch-partial/x'],
    [`${'x'.repeat(256)}`],
    ['x'.repeat(1025)],
  ])('rejects %j', (key) => {
    expect(() => validateKey(key)).toThrow(ValidationError);
  });

  it('rejects non-strings', () => {
    expect(() => validateKey(42)).toThrow(ValidationError);
  });
});

describe('validatePrefix', () => {
  it('returns the directory the prefix fully names', () => {
    expect(validatePrefix('')).toEqual([]);
    expect(validatePrefix('acme')).toEqual([]);
    expect(validatePrefix('acme/')).toEqual(['acme']);
    expect(validatePrefix('acme/night')).toEqual(['acme']);
  });

  it.each([['../'], ['a/../'], ['/etc'], ['a\\'], ['a//'], ['.keepwatch-partial/']])('rejects %j', (prefix) => {
    expect(() => validatePrefix(prefix)).toThrow(ValidationError);
  });
});
