import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { parseSqliteConfig, resolveSqliteTarget } from './sqlite.config.js';

describe('sqlite config', () => {
  it('requires an absolute path without ..', () => {
    expect(parseSqliteConfig({ path: '/data/app.db' })).toEqual({ path: '/data/app.db' });
    expect(() => parseSqliteConfig({ path: 'app.db' })).toThrow(ValidationError);
    expect(() => parseSqliteConfig({ path: '/data/../etc/app.db' })).toThrow(ValidationError);
  });

  it('resolves restore targets beside the source and refuses traversal', () => {
    expect(resolveSqliteTarget('/data/app.db', undefined)).toBe('/data/app.db');
    expect(resolveSqliteTarget('/data/app.db', 'copy.db')).toBe('/data/copy.db');
    expect(resolveSqliteTarget('/data/app.db', 'sub/copy.db')).toBe('/data/sub/copy.db');
    expect(resolveSqliteTarget('/data/app.db', '/restore/x.db')).toBe('/restore/x.db');
    expect(() => resolveSqliteTarget('/data/app.db', '../etc/passwd')).toThrow(ValidationError);
    expect(() => resolveSqliteTarget('/data/app.db', 'a/../../b')).toThrow(ValidationError);
    expect(() => resolveSqliteTarget('/data/app.db', '')).toThrow(ValidationError);
  });
});
