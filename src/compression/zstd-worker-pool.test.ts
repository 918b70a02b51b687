import { afterAll, describe, expect, it } from 'vitest';
import { decompress } from 'zstd-napi';
import { ZstdWorkerPool } from './zstd-worker-pool.js';

describe('ZstdWorkerPool', { timeout: 60_000 }, () => {
  const pool = new ZstdWorkerPool({ size: 2 });
  afterAll(() => pool.close());

  it('compresses many blocks at once, each into a frame that decodes on its own', async () => {
    const blocks = Array.from({ length: 12 }, (_, i) => Buffer.from(`block ${i} `.repeat(5000 + i)));
    const frames = await Promise.all(blocks.map((b, i) => pool.compress(b, 1 + (i % 5))));
    frames.forEach((frame, i) => {
      expect(frame.length).toBeLessThan(blocks[i]!.length / 10);
      expect(decompress(frame).equals(blocks[i]!)).toBe(true);
    });
  });

  it('leaves the caller’s buffer alone with compress', async () => {
    const data = Buffer.from('keep me '.repeat(1000));
    await pool.compress(data, 3);
    expect(data.toString()).toBe('keep me '.repeat(1000));
  });

  it('moves memory to the worker and hands it back with compressTransferring', async () => {
    const block = Buffer.allocUnsafeSlow(64 * 1024).fill('abc');
    const { output, input } = await pool.compressTransferring(block, 3);
    expect(block.length).toBe(0); // detached while the worker had it
    expect(input.length).toBe(64 * 1024);
    expect(decompress(output).equals(Buffer.alloc(64 * 1024, 'abc'))).toBe(true);
  });

  it('refuses to transfer memory the caller may share', async () => {
    const view = Buffer.allocUnsafeSlow(100).subarray(10);
    expect(() => pool.compressTransferring(view, 3)).toThrow(RangeError);
  });

  it('starts every worker ahead of the first block when warmed, without keeping the process alive', async () => {
    const warm = new ZstdWorkerPool({ size: 2, idleMs: 60_000 });
    expect(warm.started).toBe(0);
    warm.warm();
    expect(warm.started).toBe(2);
    warm.warm(); // idempotent
    expect(warm.started).toBe(2);
    const frame = await warm.compress(Buffer.from('warm '.repeat(100)), 3);
    expect(decompress(frame).toString()).toBe('warm '.repeat(100));
    expect(warm.started).toBe(2);
    await warm.close();
    expect(warm.started).toBe(0);
  });

  it('fails pending work when closed, and can be used again after', async () => {
    const other = new ZstdWorkerPool({ size: 1 });
    const pending = Promise.allSettled(Array.from({ length: 4 }, () => other.compress(Buffer.alloc(4 << 20, 7), 19)));
    await other.close();
    for (const result of await pending) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toEqual(new Error('zstd worker pool closed'));
    }
    const frame = await other.compress(Buffer.from('again'), 3);
    expect(decompress(frame).toString()).toBe('again');
    await other.close();
  });
});
