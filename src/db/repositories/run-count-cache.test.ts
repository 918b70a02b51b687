import { describe, expect, it } from 'vitest';
import { LARGE, MAX_AGE_MS, RunCountCache } from './run-count-cache.js';

describe('RunCountCache', () => {
  it('counts small totals every time and remembers large ones, topped up with newer runs', async () => {
    const cache = new RunCountCache(() => 0);
    let fulls = 0;
    let total = LARGE + 5;
    let maxId = 1000;
    const full = async () => {
      fulls++;
      return { count: total, maxId };
    };
    const above = async (id: number) => ({ count: maxId - id, maxId });
    expect(await cache.total('k', full, above)).toBe(LARGE + 5);
    // Three runs recorded since: counted above the remembered id, not by a full count.
    total += 3;
    maxId += 3;
    expect(await cache.total('k', full, above)).toBe(LARGE + 8);
    expect(await cache.total('k', full, above)).toBe(LARGE + 8);
    expect(fulls).toBe(1);

    const small = async () => ({ count: 7, maxId: 7 });
    expect(await cache.total('small', small, above)).toBe(7);
    expect(await cache.total('small', async () => ({ count: 8, maxId: 8 }), above)).toBe(8);
  });

  it('recounts a stale entry in the background while serving the cached figure', async () => {
    let now = 0;
    const cache = new RunCountCache(() => now);
    let count = LARGE;
    const full = async () => ({ count, maxId: 50 });
    const above = async () => ({ count: 0, maxId: 50 });
    expect(await cache.total('k', full, above)).toBe(LARGE);
    count = LARGE - 100; // runs were deleted
    now += MAX_AGE_MS + 1;
    expect(await cache.total('k', full, above)).toBe(LARGE); // served, refresh started
    await new Promise((r) => setTimeout(r, 0));
    // Below LARGE now: forgotten, so the next request counts exactly.
    expect(await cache.total('k', full, above)).toBe(LARGE - 100);
  });
});
