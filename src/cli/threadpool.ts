import os from 'node:os';

// gzip blocks are compressed on libuv's thread pool (4 threads by default), which libuv sizes on
// first use: raise it before anything touches it so gzip scales past 3 cores. A value the user
// set wins.
if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(Math.min(64, Math.max(4, os.availableParallelism() + 2)));
}
