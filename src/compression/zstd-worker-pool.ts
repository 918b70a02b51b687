import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BlockCodec } from './block-transform.js';

/*
 * zstd-napi only compresses synchronously, so a frame compressed on the main thread would
 * block the event loop for milliseconds; workers do it instead. (gzip stays on the libuv
 * threadpool, see gzip-blocks.ts: gzipSync in a worker leaves ~1 MB of garbage per block
 * that a worker isolate collects late, which pushed peak RSS to 200 MB.)
 *
 * The worker source is a string run with `eval: true` because a worker file path would end
 * in .ts under tsx/vitest and in .js under dist/; the string works unchanged in both. It
 * allocates nothing per frame but the output, which it hands over, so it leaves no garbage.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const binding = require(workerData.bindingPath);
const cctx = new binding.CCtx();
let level = NaN;
let scratch = Buffer.alloc(0);
parentPort.on('message', (task) => {
  try {
    if (task.level !== level) {
      cctx.reset(binding.ResetDirective.parameters);
      cctx.setParameter(binding.CParameter.compressionLevel, task.level);
      cctx.setParameter(binding.CParameter.checksumFlag, 1);
      level = task.level;
    }
    const input = new Uint8Array(task.data, 0, task.length);
    const bound = binding.compressBound(task.length);
    if (scratch.length < bound) scratch = Buffer.allocUnsafeSlow(bound);
    const written = cctx.compress2(scratch, input);
    // An exact-size copy: the frame may sit in downstream buffers a while, and a
    // compressBound-sized buffer would hold several times its size.
    const frame = Buffer.allocUnsafeSlow(written);
    scratch.copy(frame, 0, 0, written);
    parentPort.postMessage({ id: task.id, output: frame.buffer, input: task.data }, [frame.buffer, task.data]);
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: String((error && error.message) || error) });
  }
});
`;

/** Two tasks queued per worker hide the message round trip between frames. */
const TASKS_PER_WORKER = 2;

interface Task {
  id: number;
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
 * zstd context), and four cores of zstd -3 already outrun most disks and networks.
 */
export function defaultZstdPoolSize(): number {
  return Math.min(availableParallelism(), 4);
}

export interface ZstdWorkerPoolOptions {
  size?: number;
  /** Idle workers are stopped after this long, giving their memory back. */
  idleMs?: number;
}

export class ZstdWorkerPool {
  private readonly size: number;
  private readonly idleMs: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private bindingPath: string | undefined;

  constructor(options: ZstdWorkerPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultZstdPoolSize());
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** Compresses a copy of `data` into one zstd frame (with content size and checksum). */
  async compress(data: Uint8Array, level: number): Promise<Buffer> {
    const copy = new ArrayBuffer(data.length);
    new Uint8Array(copy).set(data);
    return (await this.run(copy, data.length, level)).output;
  }

  /**
   * Like compress, but moves the memory of `data` to the worker instead of copying it; the
   * caller must own the whole ArrayBuffer (as Buffer.allocUnsafeSlow gives) and gets it back
   * as `input`. Until then `data` is detached (zero length).
   */
  compressTransferring(data: Buffer, level: number): Promise<CompressResult> {
    if (!(data.buffer instanceof ArrayBuffer) || data.byteOffset !== 0) {
      throw new RangeError('compressTransferring needs a buffer that owns its memory from offset 0');
    }
    return this.run(data.buffer, data.length, level);
  }

  private run(data: ArrayBuffer, length: number, level: number): Promise<CompressResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, level, data, length, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts every worker now instead of at the first block, so their start-up (a V8 isolate and
   * the zstd binding each, tens of milliseconds) overlaps the dump tool's own start rather than
   * delaying the first frames. Idle warm workers keep no process alive and stop after the idle
   * timeout like any other.
   */
  warm(): void {
    while (this.workers.length < this.size) this.spawn().worker.unref();
    if (this.queue.length === 0 && this.workers.every((w) => w.tasks.size === 0)) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** Workers currently started. */
  get started(): number {
    return this.workers.length;
  }

  /** Stops every worker; pending tasks fail. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const closing = this.workers.splice(0).map((w) => {
      this.failAll(w, new Error('zstd worker pool closed'));
      return w.worker.terminate();
    });
    for (const task of this.queue.splice(0)) task.reject(new Error('zstd worker pool closed'));
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
      const { id, level, data, length } = task;
      target.worker.postMessage({ id, level, data, length }, [data]);
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
    this.bindingPath ??= createRequire(import.meta.url).resolve('zstd-napi/binding');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bindingPath: this.bindingPath } });
    const entry: PoolWorker = { worker, tasks: new Map(), answered: false };
    worker.on('message', (message: { id: number; output?: ArrayBuffer; input?: ArrayBuffer; error?: string }) => {
      const task = entry.tasks.get(message.id);
      if (!task) return;
      entry.tasks.delete(message.id);
      entry.answered = true;
      if (entry.tasks.size === 0) worker.unref();
      if (message.output && message.input) {
        task.resolve({ output: Buffer.from(message.output), input: Buffer.from(message.input) });
      } else task.reject(new Error(`zstd compression failed: ${message.error ?? 'unknown error'}`));
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
    worker.on('exit', (code) => onFailure(new Error(`zstd worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private failAll(entry: PoolWorker, error: Error): void {
    for (const task of entry.tasks.values()) task.reject(error);
    entry.tasks.clear();
  }
}

let shared: ZstdWorkerPool | undefined;

/** One pool per process, so concurrent backups share the cores instead of oversubscribing. */
export function sharedZstdPool(): ZstdWorkerPool {
  shared ??= new ZstdWorkerPool();
  return shared;
}

/**
 * A BlockTransform codec compressing each block into one independent zstd frame in the pool.
 * `zstd -d` reads concatenated frames as one stream, so frames can be made in parallel and
 * simply appended. The block's memory moves to the worker and back (BlockTransform hands over
 * ownership of each block it allocates), never copied.
 */
export function zstdBlockCodec(level: number, pool: ZstdWorkerPool = sharedZstdPool()): BlockCodec {
  pool.warm();
  return async (block, recycle) => {
    const { output, input } = await pool.compressTransferring(block, level);
    recycle(input);
    return output;
  };
}
