import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompressStream, compressionExtension } from '../../src/compression/compression.js';
import type { CompressionAlgorithm } from '../../src/core/domain.js';
import { createEncryptStream } from '../../src/crypto/backup-stream.js';
import { formatRecoveryKit, generateProfileKey } from '../../src/crypto/keys.js';

/**
 * `keepwatch backup decrypt` end to end, as a user runs it: a child process, no server (the
 * server URL points at a closed port), only the file and the recovery kit.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TIMEOUT = 60_000;

interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      TSX,
      [MAIN, ...args],
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, KEEPWATCH_SERVER: 'http://127.0.0.1:9', KEEPWATCH_CONFIG: join(cwd, 'none.json') },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

async function collect(input: Buffer, transform: Transform): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from([input]).pipe(transform)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
let dump: Buffer;
const key = generateProfileKey();
const compressed = new Map<CompressionAlgorithm, Buffer>();
const ALGORITHMS: CompressionAlgorithm[] = ['none', 'gzip', 'brotli', 'zstd'];
const CHUNK = 64 * 1024;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kw-cli-decrypt-'));
  // Compressible text with random runs: several compression blocks and dozens of 64 KiB chunks.
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i += 1) lines.push(`INSERT INTO t VALUES (${i}, '${randomBytes(8).toString('hex')}');`);
  dump = Buffer.from(`${lines.join('\n')}\n`);
  await writeFile(join(dir, 'kit.txt'), formatRecoveryKit({ name: 'main', key, createdAt: new Date() }), {
    mode: 0o600,
  });
  await writeFile(join(dir, 'wrong.key'), `${generateProfileKey().toString('hex')}\n`);
  for (const algorithm of ALGORITHMS) {
    const level = algorithm === 'none' ? {} : { level: algorithm === 'brotli' ? 4 : 3 };
    const body = await collect(dump, createCompressStream({ algorithm, ...level }, { blockSize: 256 * 1024 }));
    compressed.set(algorithm, body);
    const encrypted = await collect(body, createEncryptStream({ key, compression: algorithm, chunkSize: CHUNK }));
    const ext = compressionExtension(algorithm);
    await writeFile(join(dir, `db-${algorithm}.sql${ext ? `.${ext}` : ''}.kwe`), encrypted);
    if (ext) await writeFile(join(dir, `plain-${algorithm}.sql.${ext}`), body);
  }
}, TIMEOUT);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const encryptedName = (algorithm: CompressionAlgorithm): string => {
  const ext = compressionExtension(algorithm);
  return `db-${algorithm}.sql${ext ? `.${ext}` : ''}.kwe`;
};

describe('keepwatch backup decrypt', () => {
  it.each(ALGORITHMS)(
    'decrypts and decompresses %s with the recovery kit, byte for byte',
    async (algorithm) => {
      const out = `out-${algorithm}.sql`;
      const result = await cli(['backup', 'decrypt', '--key-file', 'kit.txt', encryptedName(algorithm), out], dir);
      expect(result.stderr).not.toContain('error');
      expect(result.code).toBe(0);
      expect((await readFile(join(dir, out))).equals(dump)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'keeps the compressed stream with --no-decompress, and names OUT after IN by default',
    async () => {
      const result = await cli(['backup', 'decrypt', '-k', 'kit.txt', '--no-decompress', encryptedName('zstd')], dir);
      expect(result.code).toBe(0);
      expect((await readFile(join(dir, 'db-zstd.sql.zst'))).equals(compressed.get('zstd') as Buffer)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'writes to stdout with -',
    async () => {
      const result = await cli(['backup', 'decrypt', '-k', 'kit.txt', encryptedName('gzip'), '-'], dir);
      expect(result.code).toBe(0);
      expect(result.stdout.equals(dump)).toBe(true);
    },
    TIMEOUT,
  );

  it.each(['gzip', 'brotli', 'zstd'] as const)(
    'decompresses an unencrypted %s file without a key',
    async (algorithm) => {
      const out = `plain-out-${algorithm}.sql`;
      const result = await cli(
        ['backup', 'decrypt', `plain-${algorithm}.sql.${compressionExtension(algorithm)}`, out],
        dir,
      );
      expect(result.code).toBe(0);
      expect((await readFile(join(dir, out))).equals(dump)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'refuses a file with one flipped byte: exit 1, the reason, and no OUT (not even a temp file)',
    async () => {
      const original = await readFile(join(dir, encryptedName('zstd')));
      expect(original.length).toBeGreaterThan(4 * CHUNK);
      const tampered = Buffer.from(original);
      // Inside a late chunk: earlier chunks authenticate, so output has begun when it fails.
      const at = original.length - CHUNK - 100;
      tampered[at] = (tampered[at] as number) ^ 0x01;
      await writeFile(join(dir, 'tampered.kwe'), tampered);
      const result = await cli(['backup', 'decrypt', '-k', 'kit.txt', 'tampered.kwe', 'tampered.sql'], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: chunk \d+ failed authentication.*tampered\.sql was not written/m);
      const names = await readdir(dir);
      expect(names.filter((name) => name.includes('tampered.sql'))).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'refuses a truncated file and leaves no OUT',
    async () => {
      const original = await readFile(join(dir, encryptedName('gzip')));
      await writeFile(join(dir, 'truncated.kwe'), original.subarray(0, original.length - 10));
      const result = await cli(['backup', 'decrypt', '-k', 'kit.txt', 'truncated.kwe', 'truncated.sql'], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: /);
      expect((await readdir(dir)).filter((name) => name.includes('truncated.sql'))).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'names a wrong key, and asks for a key when none is given',
    async () => {
      const wrong = await cli(['backup', 'decrypt', '-k', 'wrong.key', encryptedName('none'), 'w.sql'], dir);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('wrong key');
      const missing = await cli(['backup', 'decrypt', encryptedName('none'), 'm.sql'], dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('--key-file');
      expect((await readdir(dir)).filter((name) => /^[wm]\.sql/.test(name))).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'does not overwrite an existing OUT without --force',
    async () => {
      await writeFile(join(dir, 'exists.sql'), 'keep me');
      const refused = await cli(['backup', 'decrypt', '-k', 'kit.txt', encryptedName('none'), 'exists.sql'], dir);
      expect(refused.code).toBe(1);
      expect(await readFile(join(dir, 'exists.sql'), 'utf8')).toBe('keep me');
      const forced = await cli(
        ['backup', 'decrypt', '-k', 'kit.txt', '--force', encryptedName('none'), 'exists.sql'],
        dir,
      );
      expect(forced.code).toBe(0);
      expect((await readFile(join(dir, 'exists.sql'))).equals(dump)).toBe(true);
    },
    TIMEOUT,
  );
});
