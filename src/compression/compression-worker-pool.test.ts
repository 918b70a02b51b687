import { afterAll, describe, expect, it } from 'vitest';
import { decompress } from 'zstd-napi';
import { gunzipSync } from 'node:zlib';
import { CompressionWorkerPool } from './compression-worker-pool.js';

describe('CompressionWorkerPool', { timeout: 60_000 }, () => {
  const pool = new CompressionWorkerPool({ size: 2 });
  afterAll(() => pool.close());

  it('compresses many blocks at once, each into a frame or member that decodes on its own', async () => {
    const blocks = Array.from({ length: 12 }, (_, i) => Buffer.from(`block ${i} `.repeat(5000 + i)));
    const algorithm = (i: number) => (i % 2 ? 'gzip' : 'zstd');
    const outputs = await Promise.all(blocks.map((b, i) => pool.compress(b, algorithm(i), 1 + (i % 5))));
    outputs.forEach((output, i) => {
      expect(output.length).toBeLessThan(blocks[i]!.length / 10);
      const decoded = algorithm(i) === 'gzip' ? gunzipSync(output) : decompress(output);
      expect(decoded.equals(blocks[i]!)).toBe(true);
    });
  });

  it('gives a tiny gzip member memory of its own', async () => {
    // gzipSync puts small results in Node's shared pool; moving that pool would break the worker.
    for (let i = 0; i < 50; i++) {
      const member = await pool.compress(Buffer.from(`x${i}`), 'gzip', 6);
      expect(member.buffer.byteLength).toBe(member.length);
      expect(gunzipSync(member).toString()).toBe(`x${i}`);
    }
  });

  it('leaves the caller’s buffer alone with compress', async () => {
    const data = Buffer.from('keep me '.repeat(1000));
    await pool.compress(data, 'zstd', 3);
    expect(data.toString()).toBe('keep me '.repeat(1000));
  });

  it('moves memory to the worker and hands it back with compressTransferring', async () => {
    const block = Buffer.allocUnsafeSlow(64 * 1024).fill('abc');
    const { output, input } = await pool.compressTransferring(block, 'zstd', 3);
    expect(block.length).toBe(0); // detached while the worker had it
    expect(input.length).toBe(64 * 1024);
    expect(decompress(output).equals(Buffer.alloc(64 * 1024, 'abc'))).toBe(true);
  });

  it('refuses to transfer memory the caller may share', async () => {
    const view = Buffer.allocUnsafeSlow(100).subarray(10);
    expect(() => pool.compressTransferring(view, 'gzip', 3)).toThrow(RangeError);
  });

  it('fails pending work when closed, and can be used again after', async () => {
    const other = new CompressionWorkerPool({ size: 1 });
    const pending = Promise.allSettled(
      Array.from({ length: 4 }, () => other.compress(Buffer.alloc(4 << 20, 7), 'zstd', 19)),
    );
    await other.close();
    for (const result of await pending) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toEqual(new Error('compression worker pool closed'));
    }
    const frame = await other.compress(Buffer.from('again'), 'zstd', 3);
    expect(decompress(frame).toString()).toBe('again');
    await other.close();
  });
});
