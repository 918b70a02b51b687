import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { IntegrityError } from '../core/errors.js';

// The binding module assigns module.exports from a .node file, so ESM named imports cannot
// see its members; require it instead.
const binding = createRequire(import.meta.url)('zstd-napi/binding') as typeof ZstdBinding;

const OUT_SIZE = binding.dStreamOutSize();
/** Output produced before giving the event loop a turn, so a highly compressed input cannot stall it. */
const YIELD_AFTER = 4 * 1024 * 1024;

/**
 * Streaming zstd decoder that reads any number of concatenated frames, honours backpressure
 * and yields to the event loop. zstd-napi's own DecompressStream decodes a whole input chunk
 * in one go, however much output it expands to.
 */
export class ZstdDecompressStream extends Transform {
  private readonly dctx = new binding.DCtx();
  private inFrame = false;
  private seenInput = false;
  /** Set while decoding waits for the consumer to read. */
  private continueDecoding: (() => void) | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length > 0) this.seenInput = true;
    this.decode(chunk, callback);
  }

  override _read(size: number): void {
    const next = this.continueDecoding;
    this.continueDecoding = undefined;
    next?.();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    if (this.inFrame || !this.seenInput) {
      callback(new IntegrityError('zstd data is truncated: the stream ends inside a frame'));
      return;
    }
    callback();
  }

  private decode(input: Buffer, callback: TransformCallback): void {
    if (this.destroyed) return;
    let src = input;
    let budget = YIELD_AFTER;
    try {
      for (;;) {
        const dst = Buffer.allocUnsafe(OUT_SIZE);
        const [ret, produced, consumed] = this.dctx.decompressStream(dst, src);
        src = src.subarray(consumed);
        this.inFrame = ret !== 0;
        const wantsMore = produced === 0 || this.push(dst.subarray(0, produced));
        // Done with this chunk once the input is used up and the decoder has nothing buffered.
        if (src.length === 0 && (produced < OUT_SIZE || ret === 0)) break;
        budget -= produced;
        if (!wantsMore) {
          this.continueDecoding = () => this.decode(src, callback);
          return;
        }
        if (budget <= 0) {
          setImmediate(() => this.decode(src, callback));
          return;
        }
      }
    } catch (error) {
      callback(new IntegrityError(`zstd data is corrupt: ${(error as Error).message}`));
      return;
    }
    callback();
  }
}
