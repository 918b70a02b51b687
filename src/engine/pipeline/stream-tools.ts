import { createHash, type Hash } from 'node:crypto';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/** Counts bytes flowing through without copying them. */
export function meter(onBytes: (n: number) => void): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

/**
 * Hashes bytes flowing through; `digest()` after the stream ended. With `expected`, a mismatch
 * fails the stream at its end instead of ending it: whatever reads downstream (a restore tool,
 * a download) sees an error rather than a clean end of input, so a damaged file whose damage
 * only the hash can tell (unencrypted backups) never completes a restore.
 */
export function hasher(expected?: (actual: string) => Error | null): Transform & { digest(): string } {
  const hash: Hash = createHash('sha256');
  let hex: string | null = null;
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      cb(expected?.(t.digest()) ?? null);
    },
  }) as Transform & { digest(): string };
  t.digest = () => (hex ??= hash.digest('hex'));
  return t;
}

/**
 * CRC-32 of the bytes flowing through, as 8 hex digits; `digest()` after the stream ended.
 * Used for the raw-content check: the stored bytes already carry a SHA-256 (and, encrypted,
 * a GCM tag per chunk), so the decoded content only needs a fast check that decompression gave
 * back exactly what was dumped. zlib's CRC-32 runs at several GB/s where a second SHA-256 cost
 * about a tenth of a core at zstd speeds.
 */
export function checksum(): Transform & { digest(): string } {
  let crc = 0;
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      crc = crc32(chunk, crc);
      cb(null, chunk);
    },
  }) as Transform & { digest(): string };
  t.digest = () => (crc >>> 0).toString(16).padStart(8, '0');
  return t;
}

/** Consumes a stream, discarding its bytes (used when only the checks along the way matter). */
export function sink(): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

export interface FanOutTarget {
  name: string;
  stream: Writable;
  /** Set when this target failed; the others carry on. */
  error?: Error;
}

/**
 * Writes every chunk to all targets at once, hashing it on the way (the hash of the stored
 * bytes), and waits for the slowest healthy target before taking the next chunk — that is the
 * backpressure that keeps memory flat. A target that errors is dropped (its upload will be
 * aborted) and the others continue; only when none is left does the fan-out itself fail.
 */
export class FanOut extends Writable {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(
    readonly targets: FanOutTarget[],
    private readonly onBytes: (n: number) => void,
    private readonly onTargetError: (t: FanOutTarget, err: Error) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
    for (const t of targets) {
      t.stream.on('error', (err: Error) => this.fail(t, err));
    }
  }

  private fail(t: FanOutTarget, err: Error): void {
    if (t.error) return;
    t.error = err;
    this.onTargetError(t, err);
  }

  private healthy(): FanOutTarget[] {
    return this.targets.filter((t) => !t.error);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    const live = this.healthy();
    if (!live.length) return cb(new Error('every destination failed'));
    let waiting = live.length;
    const done = () => {
      if (--waiting === 0) cb(this.healthy().length ? null : new Error('every destination failed'));
    };
    for (const t of live) {
      // write()'s callback fires once the chunk is handled (or with an error), which is the
      // per-target backpressure signal; errors are also reported through the 'error' event.
      t.stream.write(chunk, (err) => {
        if (err) this.fail(t, err);
        done();
      });
    }
  }

  override _final(cb: (err?: Error | null) => void): void {
    const live = this.healthy();
    if (!live.length) return cb(new Error('every destination failed'));
    let waiting = live.length;
    for (const t of live) {
      t.stream.end(() => {
        if (--waiting === 0) cb();
      });
      t.stream.once('error', () => {
        if (--waiting === 0) cb(this.healthy().length ? null : new Error('every destination failed'));
      });
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
