import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { execSync } from 'node:child_process';
import { createCompressStream } from '../src/compression/compression.js';
const file = process.argv[2]!;
const algo = process.argv[3] as 'zstd' | 'gzip';
const level = algo === 'zstd' ? 3 : 6;
for (const [bs, conc] of (process.argv[4] ?? '1024:3').split(',').map((s) => s.split(':').map(Number))) {
  const t = performance.now();
  await pipeline(createReadStream(file, { highWaterMark: Number(process.env.HWM ?? 65536) }), createCompressStream({ algorithm: algo, level }, { blockSize: bs! * 1024, concurrency: conc }), createWriteStream('/dev/null'));
  const s = (performance.now() - t) / 1000;
  const cli = algo === 'zstd' ? 'zstd -q -3 -T0 -c' : 'pigz -6 -c';
  const t2 = performance.now();
  execSync(`${cli} ${file} > /dev/null`);
  const s2 = (performance.now() - t2) / 1000;
  console.log(`${algo} bs=${bs}K conc=${conc}: ours ${(256 / s).toFixed(0)} MiB/s, cli ${(256 / s2).toFixed(0)} MiB/s, ratio ${(s2 / s).toFixed(2)}`);
}
process.exit(0);
