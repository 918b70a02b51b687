import { Transform, type TransformCallback } from 'node:stream';

/**
 * Compresses one block into a self-contained unit (a gzip member, a zstd frame) off the main
 * thread. The codec takes ownership of `block`: the transform never touches it again, so a
 * codec may transfer its memory to a worker. A codec that is done with the block's memory
 * hands it back through `recycle` (possibly as a new Buffer over the same memory, after a
 * round trip to a worker), and the transform fills it again.
 */
export type BlockCodec = (block: Buffer, recycle: (memory: Buffer) => void) => Promise<Buffer>;

export interface BlockTransformOptions {
  codec: BlockCodec;
  /** Bytes of input per independently compressed unit. */
  blockSize: number;
  /** Blocks being compressed at once; with the block size this bounds the memory in use. */
  concurrency: number;
}

interface Slot {
  output?: Buffer;
}

/**
 * Cuts the input into fixed-size blocks, compresses up to `concurrency` of them at once and
 * emits the results strictly in input order. Concatenated gzip members and zstd frames are
 * valid streams for the standard tools, which is what lets one backup use every core.
 *
 * Memory stays bounded whatever the input size: a write is not acknowledged while all slots
 * are busy, and Transform itself holds writes back while the readable side is over its
 * high-water mark.
 */
export class BlockTransform extends Transform {
  private readonly codec: BlockCodec;
  private readonly blockSize: number;
  private readonly concurrency: number;
  /** Blocks handed to the codec, oldest first; outputs leave only from the head. */
  private readonly inFlight: Slot[] = [];
  private block: Buffer | undefined;
  /**
   * Block buffers back from the codec. Reusing them keeps the allocator quiet: fresh 1 MiB
   * buffers moved to worker threads become garbage there, and an isolate that allocates
   * little JavaScript collects it late, so RSS grew by tens of MB per worker.
   */
  private readonly spare: Buffer[] = [];
  private filled = 0;
  private totalIn = 0;
  /** The write being cut into blocks, kept until all of it is copied. */
  private pending: { chunk: Buffer; offset: number; callback: TransformCallback } | undefined;
  private flushCallback: TransformCallback | undefined;
  private tailDispatched = false;

  constructor(options: BlockTransformOptions) {
    // One block of writes queued ahead, so a worker that finishes finds its next block ready
    // instead of waiting for a file read round trip.
    super({ writableHighWaterMark: options.blockSize });
    if (!Number.isInteger(options.blockSize) || options.blockSize < 1) {
      throw new RangeError(`blockSize must be a positive integer, got ${options.blockSize}`);
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.codec = options.codec;
    this.blockSize = options.blockSize;
    this.concurrency = options.concurrency;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = { chunk, offset: 0, callback };
    this.pump();
  }

  override _flush(callback: TransformCallback): void {
    this.flushCallback = callback;
    this.pump();
  }

  /** Moves as much work forward as the free slots allow; called after every state change. */
  private pump(): void {
    if (this.destroyed) return;
    while (this.pending) {
      if (this.filled === this.blockSize) {
        if (!this.hasFreeSlot()) return;
        this.dispatchBlock();
      }
      const { chunk, offset } = this.pending;
      this.block ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.blockSize);
      const copied = chunk.copy(this.block, this.filled, offset, offset + this.blockSize - this.filled);
      this.filled += copied;
      this.totalIn += copied;
      this.pending.offset += copied;
      if (this.pending.offset === chunk.length) {
        const { callback } = this.pending;
        this.pending = undefined;
        callback();
      }
    }
    if (this.filled === this.blockSize && this.hasFreeSlot()) this.dispatchBlock();
    if (!this.flushCallback) return;
    // An empty input still yields one empty member/frame so the artifact is a valid file.
    if (!this.tailDispatched && (this.filled > 0 || this.totalIn === 0)) {
      if (!this.hasFreeSlot()) return;
      this.dispatchBlock();
    }
    this.tailDispatched = true;
    if (this.inFlight.length === 0) {
      const callback = this.flushCallback;
      this.flushCallback = undefined;
      callback();
    }
  }

  private hasFreeSlot(): boolean {
    return this.inFlight.length < this.concurrency;
  }

  private dispatchBlock(): void {
    const block = (this.block ?? Buffer.allocUnsafeSlow(0)).subarray(0, this.filled);
    this.block = undefined;
    this.filled = 0;
    const slot: Slot = {};
    this.inFlight.push(slot);
    this.codec(block, this.recycle).then(
      (output) => {
        slot.output = output;
        this.emitReady();
      },
      (error: unknown) => {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private readonly recycle = (memory: Buffer): void => {
    const whole = memory.byteOffset === 0 && memory.buffer.byteLength === this.blockSize;
    if (whole && !this.destroyed && this.spare.length <= this.concurrency) {
      this.spare.push(Buffer.from(memory.buffer, 0, this.blockSize));
    }
  };

  private emitReady(): void {
    if (this.destroyed) return;
    while (this.inFlight[0]?.output) {
      const slot = this.inFlight.shift() as Slot;
      if (slot.output && slot.output.length > 0) this.push(slot.output);
    }
    this.pump();
  }
}
