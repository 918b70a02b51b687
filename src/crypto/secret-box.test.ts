import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrityError, ValidationError } from '../core/errors.js';
import { SecretBox } from './secret-box.js';

const UNREADABLE = 'stored secret cannot be decrypted: wrong KEEPWATCH_SECRET or corrupted value';

function openError(box: SecretBox, sealed: string): unknown {
  try {
    box.open(sealed);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it.each([
    ['an object', { user: 'backup', password: 'pä$$wörd', port: 5432, tls: true, tags: ['a'] }],
    ['a string', 's3cr3t'],
    ['a number', 42],
    ['null', null],
    ['an empty object', {}],
  ])('round-trips %s', (_what, value) => {
    expect(box.open(box.seal(value))).toEqual(value);
  });

  it('produces the versioned format with a 12-byte random nonce and hides the value', () => {
    const sealed = box.seal({ password: 'hunter2-very-secret' });
    const match = /^v1:([A-Za-z0-9+/]+=*):([A-Za-z0-9+/]+=*)$/.exec(sealed);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64').length).toBe(12);
    expect(sealed).not.toContain('hunter2');
    expect(Buffer.from(match?.[2] ?? '', 'base64').toString('latin1')).not.toContain('hunter2');
    expect(box.seal({ password: 'hunter2-very-secret' })).not.toBe(sealed);
  });

  it('refuses a value sealed under another master key', () => {
    const sealed = new SecretBox(randomBytes(32)).seal({ password: 'x' });
    const error = openError(box, sealed);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(UNREADABLE);
  });

  it('opens with a new instance built from the same master key', () => {
    const master = randomBytes(32);
    expect(new SecretBox(master).open(new SecretBox(Buffer.from(master)).seal('same'))).toBe('same');
  });

  it('detects a change to any byte of the nonce or the ciphertext', () => {
    const sealed = box.seal({ password: 'abc' });
    const [version, nonce, body] = sealed.split(':') as [string, string, string];
    const variants: string[] = [];
    for (const [part, which] of [
      [nonce, 'nonce'],
      [body, 'body'],
    ] as const) {
      const bytes = Buffer.from(part, 'base64');
      for (let i = 0; i < bytes.length; i++) {
        const copy = Buffer.from(bytes);
        copy[i] = (copy[i] ?? 0) ^ 0x80;
        variants.push(
          which === 'nonce'
            ? `${version}:${copy.toString('base64')}:${body}`
            : `${version}:${nonce}:${copy.toString('base64')}`,
        );
      }
    }
    expect(variants.length).toBeGreaterThan(12 + 16);
    for (const variant of variants) {
      const error = openError(box, variant);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toBe(UNREADABLE);
    }
  });

  it.each([
    ['garbage', 'hello'],
    ['an empty string', ''],
    ['a missing part', 'v1:AAAAAAAAAAAAAAAA'],
    ['a truncated body', 'v1:AAAAAAAAAAAAAAAA:AAAA'],
    ['bad base64', 'v1:!!!!:????'],
  ])('refuses %s as corrupted', (_what, sealed) => {
    const error = openError(box, sealed);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(UNREADABLE);
  });

  it('names an unknown format version', () => {
    const sealed = box.seal('x').replace(/^v1:/, 'v2:');
    expect(() => box.open(sealed)).toThrow(/unknown format v2/);
  });

  it('refuses values without a JSON form and master keys of the wrong size', () => {
    expect(() => box.seal(undefined)).toThrow(ValidationError);
    expect(() => box.seal(() => 1)).toThrow(ValidationError);
    expect(() => new SecretBox(randomBytes(16))).toThrow(ValidationError);
  });
});
