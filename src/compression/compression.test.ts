import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// Generous per-test timeouts: the CI machine is shared and CPU-bound tests can be starved.
import type { CompressionAlgorithm, CompressionSettings } from '../core/domain.js';
import { IntegrityError, ValidationError } from '../core/errors.js';
import {
  compressionExtension,
  createCompressStream,
  createDecompressStream,
  defaultLevel,
  validateCompression,
} from './compression.js';

const SMALL_BLOCK = 64 * 1024;

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

function sqlText(bytes: number, seed = 1): Buffer {
  const rand = prng(seed);
  const names = ['Alice', 'Bob', 'Chloé', 'Dmitri', 'Eve', "O'Brien", 'Zoë', 'Łukasz'];
  const parts: string[] = ['-- dump\nCREATE TABLE orders (id int, customer text, total numeric, note text);\n'];
  let size = parts[0]!.length;
  for (let id = 1; size < bytes; id++) {
    const name = names[Math.floor(rand() * names.length)]!.replace("'", "''");
    const line =
      `INSERT INTO orders VALUES (${id}, '${name}', ${(rand() * 10_000).toFixed(2)}, ` +
      `'${Math.floor(rand() * 1e12).toString(36)} ${rand() < 0.3 ? 'express' : 'standard'}');\n`;
    parts.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Cuts a buffer into pieces of random size (1 byte to 200 KiB), as a dump arrives. */
function randomPieces(data: Buffer, seed = 7): Buffer[] {
  const rand = prng(seed);
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = Math.max(1, Math.floor(rand() ** 3 * 200 * 1024));
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** Buffer-aware comparison: a deep toEqual walks megabytes byte by byte. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

async function collect(stream: Transform, input: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(input),
    stream,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

const compress = (settings: CompressionSettings, data: Buffer, blockSize = SMALL_BLOCK) =>
  collect(createCompressStream(settings, { blockSize, concurrency: 3 }), randomPieces(data));
const decompress = (algorithm: CompressionAlgorithm, data: Buffer) =>
  collect(createDecompressStream(algorithm), randomPieces(data, 11));

function runCli(command: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.end(input);
  });
}

describe('validateCompression', () => {
  it('fills in the default level', () => {
    expect(validateCompression({ algorithm: 'gzip' })).toEqual({ algorithm: 'gzip', level: 6 });
    expect(validateCompression({ algorithm: 'brotli' })).toEqual({ algorithm: 'brotli', level: 5 });
    expect(validateCompression({ algorithm: 'zstd' })).toEqual({ algorithm: 'zstd', level: 3 });
    expect(validateCompression({ algorithm: 'none', level: 4 })).toEqual({ algorithm: 'none' });
  });

  it.each([
    ['gzip', 0, 'compression.level must be between 1 and 9 for gzip'],
    ['gzip', 10, 'compression.level must be between 1 and 9 for gzip'],
    ['gzip', 5.5, 'compression.level must be between 1 and 9 for gzip'],
    ['brotli', 12, 'compression.level must be between 0 and 11 for brotli'],
    ['brotli', -1, 'compression.level must be between 0 and 11 for brotli'],
    ['zstd', 0, 'compression.level must be between 1 and 19 for zstd'],
    ['zstd', 20, 'compression.level must be between 1 and 19 for zstd'],
    ['zstd', '3', 'compression.level must be between 1 and 19 for zstd'],
  ])('rejects %s level %s', (algorithm, level, message) => {
    expect(() => validateCompression({ algorithm, level })).toThrow(new ValidationError(message));
  });

  it('accepts the ends of each range', () => {
    expect(validateCompression({ algorithm: 'brotli', level: 0 }).level).toBe(0);
    expect(validateCompression({ algorithm: 'zstd', level: 19 }).level).toBe(19);
    expect(validateCompression({ algorithm: 'gzip', level: 1 }).level).toBe(1);
  });

  it('rejects an unknown algorithm and a missing object', () => {
    expect(() => validateCompression({ algorithm: 'lz4' })).toThrow(ValidationError);
    expect(() => validateCompression({ algorithm: 'lz4' })).toThrow(/compression\.algorithm must be one of/);
    expect(() => validateCompression(null)).toThrow(ValidationError);
    expect(() => createCompressStream({ algorithm: 'gzip', level: 12 })).toThrow(ValidationError);
  });

  it('gives extensions and default levels', () => {
    expect(['none', 'gzip', 'brotli', 'zstd'].map((a) => compressionExtension(a as CompressionAlgorithm))).toEqual([
      '',
      'gz',
      'br',
      'zst',
    ]);
    expect(defaultLevel('gzip')).toBe(6);
    expect(defaultLevel('brotli')).toBe(5);
    expect(defaultLevel('zstd')).toBe(3);
    expect(defaultLevel('none')).toBe(0);
  });
});

describe('round trip', { timeout: 60_000 }, () => {
  const sizes = {
    empty: 0,
    'one byte': 1,
    'exactly one block': SMALL_BLOCK,
    'several blocks and a tail': 3 * SMALL_BLOCK + 12_345,
  };
  const cases: Array<[CompressionAlgorithm, number[]]> = [
    ['none', [0]],
    ['gzip', [1, 6, 9]],
    ['brotli', [0, 5, 11]],
    ['zstd', [1, 3, 19]],
  ];
  for (const [algorithm, levels] of cases) {
    for (const level of levels) {
      for (const [label, size] of Object.entries(sizes)) {
        it(`${algorithm}-${level}: ${label}`, async () => {
          const input = sqlText(size, size + level);
          const compressed = await compress({ algorithm, level }, input);
          expectSameBytes(await decompress(algorithm, compressed), input);
        });
      }
    }
  }

  it.each(['none', 'gzip', 'brotli', 'zstd'] as const)(
    '%s: a few MB of SQL written in random pieces, default block size',
    async (algorithm) => {
      const input = sqlText(5 * 1024 * 1024 + 777, 42);
      const compressed = await collect(createCompressStream({ algorithm }), randomPieces(input));
      if (algorithm !== 'none') expect(compressed.length).toBeLessThan(input.length / 2);
      expectSameBytes(await decompress(algorithm, compressed), input);
    },
  );

  it('gzip: incompressible data survives', async () => {
    const input = randomBytes(2 * SMALL_BLOCK + 5);
    expectSameBytes(await decompress('gzip', await compress({ algorithm: 'gzip', level: 6 }, input)), input);
  });

  it('blocks are independent members/frames, emitted in input order', async () => {
    // Distinct blocks, so a member or frame out of place would change the decoded bytes.
    const input = Buffer.concat(
      Array.from({ length: 40 }, (_, i) => Buffer.alloc(SMALL_BLOCK, String.fromCharCode(65 + (i % 26)))),
    );
    for (const algorithm of ['gzip', 'zstd'] as const) {
      const compressed = await collect(
        createCompressStream({ algorithm }, { blockSize: SMALL_BLOCK, concurrency: 8 }),
        [input],
      );
      expectSameBytes(await decompress(algorithm, compressed), input);
    }
  });
});

describe('standard tools read the output', { timeout: 60_000 }, () => {
  const input = sqlText(3 * 1024 * 1024 + 99, 3);

  it('gzip -dc decodes the multi-member gzip stream', async () => {
    const compressed = await compress({ algorithm: 'gzip', level: 6 }, input, 256 * 1024);
    expectSameBytes(await runCli('gzip', ['-dc'], compressed), input);
  });

  it('zstd -dc decodes the multi-frame zstd stream', async () => {
    const compressed = await compress({ algorithm: 'zstd', level: 3 }, input, 256 * 1024);
    expectSameBytes(await runCli('zstd', ['-dc'], compressed), input);
  });

  it('we decode what the zstd CLI writes, frames concatenated', async () => {
    const a = await runCli('zstd', ['-3', '-c'], input.subarray(0, 1_000_000));
    const b = await runCli('zstd', ['-9', '-c'], input.subarray(1_000_000));
    expectSameBytes(await decompress('zstd', Buffer.concat([a, b])), input);
  });

  it('we decode concatenated gzip members made by another tool', async () => {
    const a = gzipSync(input.subarray(0, 10));
    const b = await runCli('gzip', ['-9', '-c'], input.subarray(10));
    expectSameBytes(await decompress('gzip', Buffer.concat([a, b])), input);
  });
});

describe('corrupt input', { timeout: 60_000 }, () => {
  const input = sqlText(600_000, 9);
  const garbage = Buffer.concat(
    Array.from({ length: 313 }, (_, i) => createHash('sha256').update(`garbage ${i}`).digest()),
  );

  for (const algorithm of ['gzip', 'brotli', 'zstd'] as const) {
    describe(algorithm, () => {
      it('rejects garbage', async () => {
        // Fixed bytes, not random ones: now and then random bytes happen to open with a valid
        // "empty last block" brotli header, which decodes to nothing and made this test flaky.
        await expect(decompress(algorithm, garbage)).rejects.toBeInstanceOf(IntegrityError);
      });

      it('rejects a truncated stream', async () => {
        const compressed = await compress({ algorithm }, input);
        const error = await decompress(algorithm, compressed.subarray(0, compressed.length - 7)).catch((e) => e);
        expect(error).toBeInstanceOf(IntegrityError);
        expect((error as Error).message).toMatch(new RegExp(`^${algorithm} data is`));
      });

      it('rejects a flipped byte', async () => {
        const compressed = Buffer.from(await compress({ algorithm }, input));
        const at = Math.floor(compressed.length / 2);
        compressed[at] = compressed[at]! ^ 0x5a;
        await expect(decompress(algorithm, compressed)).rejects.toBeInstanceOf(IntegrityError);
      });

      it('rejects empty input', async () => {
        await expect(decompress(algorithm, Buffer.alloc(0))).rejects.toBeInstanceOf(IntegrityError);
      });
    });
  }

  it('rejects trailing garbage after gzip members', async () => {
    const compressed = await compress({ algorithm: 'gzip' }, input);
    await expect(decompress('gzip', Buffer.concat([compressed, Buffer.from('junk!')]))).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });

  it('keeps an error that did not come from the decoder', async () => {
    const stream = createDecompressStream('gzip');
    const failure = new Error('disk full');
    const seen = new Promise((resolve) => stream.on('error', resolve));
    stream.destroy(failure);
    expect(await seen).toBe(failure);
  });
});

describe('zstd decoder backpressure', { timeout: 60_000 }, () => {
  it('does not expand a highly compressed input past what the consumer reads', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const compressed = await collect(createCompressStream({ algorithm: 'zstd' }, { blockSize: 16 << 20 }), [zeros]);
    expect(compressed.length).toBeLessThan(64 * 1024);
    const stream = createDecompressStream('zstd');
    stream.write(compressed);
    stream.end();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // Nobody reads: a stream that ignored backpressure would hold all 64 MiB by now.
    expect(stream.readableLength).toBeLessThan(1024 * 1024);
    let total = 0;
    for await (const chunk of stream) total += (chunk as Buffer).length;
    expect(total).toBe(zeros.length);
  });
});
