import type { BlockCodec } from './block-transform.js';
import { sharedZstdPool, type ZstdWorkerPool } from './zstd-worker-pool.js';

/**
 * Compresses a block into one independent zstd frame in a worker. `zstd -d` reads a file of
 * concatenated frames as one stream, so frames can be made in parallel and simply appended.
 * The block's memory is moved to the worker, not copied (BlockTransform hands over
 * ownership of each block it allocates).
 */
export function zstdBlockCodec(level: number, pool: ZstdWorkerPool = sharedZstdPool()): BlockCodec {
  return async (block, recycle) => {
    const { output, input } = await pool.compressTransferring(block, level);
    recycle(input);
    return output;
  };
}
