import { describe, expect, it } from 'vitest';
import { defaultOutputName, detectInputFormat } from './backup-decrypt.js';

describe('detectInputFormat', () => {
  const plain = Buffer.from('-- PostgreSQL dump');
  it('recognises an encrypted file by its magic whatever its name', () => {
    expect(detectInputFormat(Buffer.from('KWBACKUP\x01'), 'renamed.bin')).toEqual({
      encrypted: true,
      compression: undefined,
    });
  });

  it('takes the compression of a plain file from its extension', () => {
    expect(detectInputFormat(plain, 'db.sql.gz').compression).toBe('gzip');
    expect(detectInputFormat(plain, 'db.sql.br').compression).toBe('brotli');
    expect(detectInputFormat(plain, 'DB.SQL.ZST').compression).toBe('zstd');
    expect(detectInputFormat(plain, 'db.sql').compression).toBe('none');
  });

  it('falls back to the gzip and zstd magics for a renamed file', () => {
    expect(detectInputFormat(Buffer.from([0x1f, 0x8b, 8, 0]), 'backup').compression).toBe('gzip');
    expect(detectInputFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'backup').compression).toBe('zstd');
  });
});

describe('defaultOutputName', () => {
  it('strips .kwe and, when decompressing, the compression extension', () => {
    expect(defaultOutputName('db.sql.zst.kwe', true)).toBe('db.sql');
    expect(defaultOutputName('db.sql.zst.kwe', false)).toBe('db.sql.zst');
    expect(defaultOutputName('db.sql.gz', true)).toBe('db.sql');
  });

  it('gives nothing when there is nothing to strip (never IN itself)', () => {
    expect(defaultOutputName('db.sql', true)).toBeUndefined();
    expect(defaultOutputName('db.sql.gz', false)).toBeUndefined();
  });
});
