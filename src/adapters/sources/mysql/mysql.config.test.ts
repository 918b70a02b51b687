import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { optionFileContent, optionValue, parseMysqlConfig, quoteMysqlIdent } from './mysql.config.js';

describe('mysql config', () => {
  it('fills the default port', () => {
    expect(parseMysqlConfig({ host: 'h', user: 'u', database: 'd' }).port).toBe(3306);
  });

  it('rejects control characters that would break the option file', () => {
    expect(() => parseMysqlConfig({ host: 'h\n[client]', user: 'u', database: 'd' })).toThrow(ValidationError);
  });

  it('quotes option values so # is not a comment and escapes round-trip', () => {
    expect(optionValue('p#"a\\b c')).toBe('"p#\\"a\\\\b c"');
    expect(optionValue('a\nb\tc')).toBe('"a\\nb\\tc"');
  });

  it('writes the password into the [client] group only when there is one', () => {
    const withPw = optionFileContent(parseMysqlConfig({ host: 'h', user: 'u', database: 'd', password: 'x' }));
    expect(withPw).toBe('[client]\nhost="h"\nport=3306\nuser="u"\npassword="x"\n');
    const without = optionFileContent(parseMysqlConfig({ host: 'h', user: 'u', database: 'd' }));
    expect(without).not.toContain('password');
  });

  it('quotes identifiers', () => {
    expect(quoteMysqlIdent('a`b')).toBe('`a``b`');
  });
});
