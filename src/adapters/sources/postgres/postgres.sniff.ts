import { Readable } from 'node:stream';

/**
 * Reads the first `bytes` of a stream and returns them with a stream that replays the whole
 * input (head included). Errors on the input keep flowing to the replayed stream.
 */
export async function sniffHead(input: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      while (!ended) {
        const next = await it.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    } finally {
      // Stops (and so destroys) the input when the consumer gives up early.
      await it.return?.();
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

/** pg_dumpall's plain output starts with this comment; a single-database dump does not. */
export function isClusterDump(head: Buffer): boolean {
  return head.toString('utf8').includes('PostgreSQL database cluster dump');
}
