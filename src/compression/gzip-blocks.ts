import { gzip } from 'node:zlib';
import type { BlockCodec } from './block-transform.js';

/**
 * Compresses a block into one complete gzip member on the libuv threadpool, so several blocks
 * compress on several cores while the event loop only copies bytes around. `gzip -d`, `zcat`
 * and Node's gunzip all read a file of concatenated members.
 *
 * The output buffer is made larger than any member of the block can be, so zlib deflates the
 * whole block in one threadpool job: with zlib's 16 KiB default it would come back to the
 * main thread for every 16 KiB of output, and a busy event loop would stall it.
 */
export function gzipBlockCodec(level: number): BlockCodec {
  return (block, recycle) =>
    new Promise((resolve, reject) => {
      const chunkSize = Math.max(64 * 1024, block.length + (block.length >> 8) + 1024);
      gzip(block, { level, chunkSize }, (error, output) => {
        recycle(block);
        if (error) reject(error);
        else resolve(output);
      });
    });
}
