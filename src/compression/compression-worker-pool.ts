import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BlockCodec } from './block-transform.js';

/*
 * Compression runs in worker threads: zstd-napi only compresses synchronously, and zlib's
 * async API needs the main thread between every output chunk, so a busy or starved event
 * loop would stall it (and it shares the libuv threadpool with file I/O). A worker compresses
 * a whole block with no help from the main thread.
 *
 * The worker source is a string run with `eval: true` because a worker file path would end
 * in .ts under tsx/vitest and in .js under dist/; the string works unchanged in both.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
let zstd;
let zstdLevel = NaN;
let scratch = Buffer.alloc(0);

function zstdFrame(input, level) {
  if (!zstd) {
    const binding = require(workerData.zstdBindingPath);
    zstd = { binding, cctx: new binding.CCtx() };
  }
  const { binding, cctx } = zstd;
  if (level !== zstdLevel) {
    cctx.reset(binding.ResetDirective.parameters);
    cctx.setParameter(binding.CParameter.compressionLevel, level);
    cctx.setParameter(binding.CParameter.checksumFlag, 1);
    zstdLevel = level;
  }
  const bound = binding.compressBound(input.length);
  if (scratch.length < bound) scratch = Buffer.allocUnsafeSlow(bound);
  return scratch.subarray(0, cctx.compress2(scratch, input));
}

parentPort.on('message', (task) => {
  try {
    const input = Buffer.from(task.data, 0, task.length);
    let compressed;
    if (task.algorithm === 'zstd') compressed = zstdFrame(input, task.level);
    else if (task.algorithm === 'gzip') compressed = zlib.gzipSync(input, { level: task.level, chunkSize: 256 * 1024 });
    else throw new Error('unknown algorithm ' + task.algorithm);
    // An exact-size copy with memory of its own: the output may sit in downstream buffers a
    // while (a compressBound-sized buffer would hold several times its size), and a small
    // gzipSync result can live in Node's shared pool, which must never be transferred.
    const output = Buffer.allocUnsafeSlow(compressed.length);
    compressed.copy(output);
    parentPort.postMessage({ id: task.id, output: output.buffer, input: task.data }, [output.buffer, task.data]);
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: String((error && error.message) || error) });
  }
});
`;

export type BlockAlgorithm = 'gzip' | 'zstd';

/** Two tasks queued per worker hide the message round trip between frames. */
const TASKS_PER_WORKER = 2;

interface Task {
  id: number;
  algorithm: BlockAlgorithm;
  level: number;
  data: ArrayBuffer;
  length: number;
  resolve: (result: CompressResult) => void;
  reject: (error: Error) => void;
}

export interface CompressResult {
  /** One complete gzip member or zstd frame. */
  output: Buffer;
  /** The input's memory, handed back by the worker for reuse. */
  input: Buffer;
}

interface PoolWorker {
  worker: Worker;
  tasks: Map<number, Task>;
  answered: boolean;
}

/**
 * One worker per core, at most four: each costs about 15–25 MB of RSS (its own V8 isolate and
 * compression state), and four cores of gzip-6 or zstd-3 keep up with most disks and networks.
 */
export function defaultPoolSize(): number {
  return Math.min(availableParallelism(), 4);
}

export interface CompressionWorkerPoolOptions {
  size?: number;
  /** Idle workers are stopped after this long, giving their memory back. */
  idleMs?: number;
}

export class CompressionWorkerPool {
  private readonly size: number;
  private readonly idleMs: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private zstdBindingPath: string | undefined;

  constructor(options: CompressionWorkerPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.idleMs = options.idleMs ?? 30_000;
  }

  /**
   * Compresses a copy of `data` into one gzip member, or one zstd frame with content size and
   * checksum.
   */
  async compress(data: Uint8Array, algorithm: BlockAlgorithm, level: number): Promise<Buffer> {
    const copy = new ArrayBuffer(data.length);
    new Uint8Array(copy).set(data);
    return (await this.run(copy, data.length, algorithm, level)).output;
  }

  /**
   * Like compress, but moves the memory of `data` to the worker instead of copying it; the
   * caller must own the whole ArrayBuffer (as Buffer.allocUnsafeSlow gives) and gets it back
   * as `input`. Until then `data` is detached (zero length).
   */
  compressTransferring(data: Buffer, algorithm: BlockAlgorithm, level: number): Promise<CompressResult> {
    if (!(data.buffer instanceof ArrayBuffer) || data.byteOffset !== 0) {
      throw new RangeError('compressTransferring needs a buffer that owns its memory from offset 0');
    }
    return this.run(data.buffer, data.length, algorithm, level);
  }

  private run(data: ArrayBuffer, length: number, algorithm: BlockAlgorithm, level: number): Promise<CompressResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, algorithm, level, data, length, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; pending tasks fail. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const closing = this.workers.splice(0).map((w) => {
      this.failAll(w, new Error('compression worker pool closed'));
      return w.worker.terminate();
    });
    for (const task of this.queue.splice(0)) task.reject(new Error('compression worker pool closed'));
    await Promise.all(closing);
  }

  private dispatch(): void {
    clearTimeout(this.idleTimer);
    while (this.queue.length > 0) {
      const target = this.pickWorker();
      if (!target) break;
      const task = this.queue.shift() as Task;
      target.tasks.set(task.id, task);
      target.worker.ref();
      const { id, algorithm, level, data, length } = task;
      target.worker.postMessage({ id, algorithm, level, data, length }, [data]);
    }
    if (this.queue.length === 0 && this.workers.every((w) => w.tasks.size === 0)) {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private pickWorker(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.workers) {
      if (w.tasks.size === 0) return w;
      if (w.tasks.size < TASKS_PER_WORKER && (!best || w.tasks.size < best.tasks.size)) best = w;
    }
    // Prefer a fresh worker over doubling up while the pool is below its size.
    if (this.workers.length < this.size) return this.spawn();
    return best;
  }

  private spawn(): PoolWorker {
    this.zstdBindingPath ??= createRequire(import.meta.url).resolve('zstd-napi/binding');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { zstdBindingPath: this.zstdBindingPath } });
    const entry: PoolWorker = { worker, tasks: new Map(), answered: false };
    worker.on('message', (message: { id: number; output?: ArrayBuffer; input?: ArrayBuffer; error?: string }) => {
      const task = entry.tasks.get(message.id);
      if (!task) return;
      entry.tasks.delete(message.id);
      entry.answered = true;
      if (entry.tasks.size === 0) worker.unref();
      if (message.output && message.input) {
        task.resolve({ output: Buffer.from(message.output), input: Buffer.from(message.input) });
      } else task.reject(new Error(`${task.algorithm} compression failed: ${message.error ?? 'unknown error'}`));
      this.dispatch();
    });
    const onFailure = (error: Error): void => {
      const index = this.workers.indexOf(entry);
      if (index === -1) return;
      this.workers.splice(index, 1);
      this.failAll(entry, error);
      // A worker that dies before its first answer cannot start here (a missing or broken
      // native module); failing the queue beats spawning replacements that die the same way.
      if (!entry.answered) for (const task of this.queue.splice(0)) task.reject(error);
      this.dispatch();
    };
    worker.on('error', onFailure);
    worker.on('exit', (code) => onFailure(new Error(`compression worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private failAll(entry: PoolWorker, error: Error): void {
    for (const task of entry.tasks.values()) task.reject(error);
    entry.tasks.clear();
  }
}

let shared: CompressionWorkerPool | undefined;

/** One pool per process, so concurrent backups share the cores instead of oversubscribing. */
export function sharedCompressionPool(): CompressionWorkerPool {
  shared ??= new CompressionWorkerPool();
  return shared;
}

/**
 * A BlockTransform codec compressing each block into one gzip member or zstd frame in the
 * pool. `gzip -d` and `zstd -d` read concatenated members/frames as one stream, so blocks can
 * be compressed in parallel and simply appended. The block's memory moves to the worker and
 * back (BlockTransform hands over ownership of each block it allocates), never copied.
 */
export function workerBlockCodec(
  algorithm: BlockAlgorithm,
  level: number,
  pool: CompressionWorkerPool = sharedCompressionPool(),
): BlockCodec {
  return async (block, recycle) => {
    const { output, input } = await pool.compressTransferring(block, algorithm, level);
    recycle(input);
    return output;
  };
}
