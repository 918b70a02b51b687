/**
 * Totals of large run listings (GET /api/runs). Counting a million-run history exactly costs
 * more than the page itself (PostgreSQL: 40–70 ms for 1,000,000 runs on two cores), while the
 * total only moves by the runs recorded since. So a total of at least LARGE runs is remembered
 * per filter with the highest run id it covered; later requests add the runs above that id (an
 * index range, a few rows) to it. An entry older than MAX_AGE_MS is served once more and
 * recounted in the background, which also bounds how long deleted runs (a deleted monitored
 * job's history) or a run committed out of id order can be missing from the figure.
 */
export interface CountResult {
  count: number;
  /** Highest run id counted (0 when none). */
  maxId: number;
}

interface Entry extends CountResult {
  at: number;
  refreshing: boolean;
}

export const LARGE = 10_000;
export const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 200;

export class RunCountCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * `full` counts everything matching; `above(id)` counts only runs with a higher id. Both are
   * the same filter, identified by `key`.
   */
  async total(
    key: string,
    full: () => Promise<CountResult>,
    above: (id: number) => Promise<CountResult>,
  ): Promise<number> {
    const entry = this.entries.get(key);
    if (!entry) {
      const r = await full();
      if (r.count >= LARGE) this.remember(key, r);
      return r.count;
    }
    if (this.now() - entry.at > MAX_AGE_MS && !entry.refreshing) {
      entry.refreshing = true;
      void full()
        .then((r) => (r.count >= LARGE ? this.remember(key, r) : this.entries.delete(key)))
        .catch(() => this.entries.delete(key));
    }
    // The base stays as counted: concurrent requests each add the same newer runs, never twice.
    return entry.count + (await above(entry.maxId)).count;
  }

  private remember(key: string, r: CountResult): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...r, at: this.now(), refreshing: false });
  }
}

/** One cache per database handle (a transaction gets its own, short-lived one). */
const caches = new WeakMap<object, RunCountCache>();

export function runCountCacheFor(db: object): RunCountCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new RunCountCache()));
  return cache;
}
