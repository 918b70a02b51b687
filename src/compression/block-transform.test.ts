import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { BlockTransform, type BlockCodec } from './block-transform.js';

/** A codec whose blocks finish in an order the test chooses, counting how many run at once. */
function controlledCodec() {
  const running: Array<{ block: Buffer; finish: () => void }> = [];
  let maxRunning = 0;
  let calls = 0;
  const codec: BlockCodec = (block) =>
    new Promise((resolve) => {
      calls++;
      const entry = {
        block,
        finish: () => {
          running.splice(running.indexOf(entry), 1);
          resolve(Buffer.concat([Buffer.from(`[${block.length}:`), block, Buffer.from(']')]));
        },
      };
      running.push(entry);
      maxRunning = Math.max(maxRunning, running.length);
    });
  return {
    codec,
    running,
    get maxRunning() {
      return maxRunning;
    },
    get calls() {
      return calls;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

async function collect(stream: BlockTransform, input: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(input),
    stream,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('BlockTransform', () => {
  it('cuts input into blocks whatever the write sizes', async () => {
    const codec: BlockCodec = async (block) => Buffer.from(`${block.toString()}|`);
    const stream = new BlockTransform({ codec, blockSize: 4, concurrency: 2 });
    const out = await collect(
      stream,
      ['ab', 'cdefghij', 'k', '', 'lmnopqrstuvwxyz'].map((s) => Buffer.from(s)),
    );
    expect(out.toString()).toBe('abcd|efgh|ijkl|mnop|qrst|uvwx|yz|');
  });

  it('emits one empty block for an empty input', async () => {
    const codec: BlockCodec = async (block) => Buffer.from(`<${block.length}>`);
    expect((await collect(new BlockTransform({ codec, blockSize: 4, concurrency: 2 }), [])).toString()).toBe('<0>');
  });

  it('keeps input order when blocks finish out of order, with at most `concurrency` at once', async () => {
    const c = controlledCodec();
    const stream = new BlockTransform({ codec: c.codec, blockSize: 2, concurrency: 3 });
    const out: string[] = [];
    stream.on('data', (d: Buffer) => out.push(d.toString()));
    const done = new Promise((r) => stream.on('end', r));
    stream.end(Buffer.from('aabbccddeeffg'));
    // Finish the newest running block first, every time.
    while (!stream.writableFinished || c.running.length > 0) {
      await tick();
      c.running.at(-1)?.finish();
    }
    await done;
    expect(out.join('')).toBe('[2:aa][2:bb][2:cc][2:dd][2:ee][2:ff][1:g]');
    expect(c.maxRunning).toBe(3);
  });

  it('stops taking input while every slot is busy', async () => {
    const c = controlledCodec();
    const stream = new BlockTransform({ codec: c.codec, blockSize: 1024, concurrency: 2 });
    stream.resume();
    const big = Buffer.alloc(100 * 1024, 1);
    stream.write(big);
    await tick();
    // One 100 KiB write, but only two blocks may be taken from it until a slot frees up.
    expect(c.calls).toBe(2);
    expect(stream.writableNeedDrain).toBe(true);
    c.running[0]!.finish();
    await tick();
    expect(c.calls).toBe(3);
    stream.destroy();
  });

  it('bounds memory when the consumer does not read', async () => {
    const codec: BlockCodec = async (block) => block;
    const stream = new BlockTransform({ codec, blockSize: 1024, concurrency: 2 });
    let accepted = 0;
    const chunk = Buffer.alloc(1024);
    // Write as long as the stream accepts more, as pipe() would.
    for (let i = 0; i < 10_000; i++) {
      if (!stream.write(chunk)) {
        await tick();
        if (stream.writableNeedDrain) break;
      }
      accepted++;
    }
    await tick();
    expect(accepted).toBeLessThan(200);
    expect(stream.readableLength + stream.writableLength).toBeLessThan(100 * 1024);
    stream.destroy();
  });

  it('fills recycled block memory again instead of allocating', async () => {
    const seen = new Set<ArrayBufferLike>();
    const codec: BlockCodec = async (block, recycle) => {
      seen.add(block.buffer);
      const output = Buffer.from(block); // a copy: the block's memory goes back for reuse
      recycle(block);
      return output;
    };
    const input = Buffer.from('0123456789'.repeat(100));
    const out = await collect(new BlockTransform({ codec, blockSize: 10, concurrency: 2 }), [input]);
    expect(out.equals(input)).toBe(true);
    // 100 blocks, but never more distinct buffers than can be in use at once.
    expect(seen.size).toBeLessThanOrEqual(4);
  });

  it('fails the stream when a block fails', async () => {
    const codec: BlockCodec = async (block) => {
      if (block[0] === 2) throw new Error('codec broke');
      return block;
    };
    const stream = new BlockTransform({ codec, blockSize: 1, concurrency: 2 });
    await expect(collect(stream, [Buffer.from([1, 1, 2, 1])])).rejects.toThrow('codec broke');
  });

  it('rejects nonsense options', () => {
    const codec: BlockCodec = async (b) => b;
    expect(() => new BlockTransform({ codec, blockSize: 0, concurrency: 1 })).toThrow(RangeError);
    expect(() => new BlockTransform({ codec, blockSize: 1, concurrency: 0 })).toThrow(RangeError);
  });
});
