import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createCompressStream } from '../src/compression/compression.js';
const [file, algo, bs, conc] = process.argv.slice(2);
const t = performance.now();
await pipeline(createReadStream(file!, { highWaterMark: Number(process.env.HWM ?? 65536) }), createCompressStream({ algorithm: algo as 'zstd' }, { blockSize: Number(bs) * 1024, concurrency: Number(conc) }), createWriteStream('/dev/null'));
const ru = process.resourceUsage();
console.log(`${algo} bs=${bs} conc=${conc} wall ${((performance.now() - t) / 1000).toFixed(2)}s user ${(ru.userCPUTime / 1e6).toFixed(2)} sys ${(ru.systemCPUTime / 1e6).toFixed(2)} rss ${(ru.maxRSS / 1024).toFixed(0)}`);
process.exit(0);
