/**
 * Overrides: rules that accept known warnings and failures (SPEC §6). Pure matching logic;
 * docs/review.md ("Overrides") describes the rules for users.
 *
 * A rule matches a run when all of these hold:
 *  - the run's status is 'warning' or 'failed' and is listed in the rule's `statuses`;
 *  - `run.at` is inside [validFrom, validUntil] (both inclusive, null = open);
 *  - every criterion that is set matches (null or blank = any): customerId, jobId,
 *    software and backupType (case-insensitive, trimmed, equal), jobNamePattern
 *    (whole name, case-insensitive, '*' = any run of characters, '?' = one character,
 *    no wildcard = exact name);
 *  - the error text matches (see `textMatches`; an empty errorText matches anything):
 *      - rules without objectName (global and job-level): the run's overall message OR the
 *        message of any non-successful object;
 *      - object rules (objectName set): the run has at least one non-successful object, ALL
 *        its non-successful objects are named objectName (case-insensitive, trimmed), and
 *        each one's message matches (an object without a message is judged on the run's
 *        overall message). A run where another object also failed is not covered.
 *    "Non-successful" means an object status of 'warning' or 'failed'; objects with another
 *    or no status are ignored.
 * Order: object rules, then job rules, then global rules; within a level the lowest id first.
 * The first matching rule decides.
 */

export interface OverrideRule {
  id: number;
  customerId: number | null;
  jobId: number | null;
  objectName: string | null;
  software: string | null;
  backupType: string | null;
  /** '*' and '?' wildcards, case-insensitive; plain text = exact (case-insensitive). */
  jobNamePattern: string | null;
  statuses: ('warning' | 'failed')[];
  errorMatch: 'contains' | 'exact' | 'starts_with' | 'ends_with';
  /** Empty text matches any message, including none. */
  errorText: string;
  treatAsSuccess: boolean;
  validFrom: number | null;
  validUntil: number | null;
}

export interface RunFacts {
  jobId: number;
  customerId: number;
  software: string | null;
  backupType: string | null;
  jobName: string;
  status: string;
  /** Overall error/warning text. */
  message: string | null;
  objects: { name: string; status: string | null; message: string | null }[];
  /** When the run happened (validity is checked against this). */
  at: number;
}

export interface OverrideDecision {
  overrideId: number;
  /** null when treatAsSuccess is false: matched but status unchanged. */
  effectiveStatus: 'success' | null;
}

export type OverrideLevel = 'global' | 'job' | 'object';

const LEVEL_ORDER: Readonly<Record<OverrideLevel, number>> = { object: 0, job: 1, global: 2 };
const NON_SUCCESS = new Set(['warning', 'failed']);

/**
 * Object-level rules (jobId set) are checked before global ones — object rules first, then
 * job rules, then global rules — and the first matching rule wins (ties: lowest id). Returns
 * null when nothing matches or the run is not warning/failed.
 */
export function matchOverride(rules: OverrideRule[], run: RunFacts): OverrideDecision | null {
  if (!NON_SUCCESS.has(run.status)) return null;
  const ordered = [...rules].sort(
    (a, b) => LEVEL_ORDER[overrideLevel(a)] - LEVEL_ORDER[overrideLevel(b)] || a.id - b.id,
  );
  for (const rule of ordered) {
    if (ruleMatches(rule, run)) {
      return { overrideId: rule.id, effectiveStatus: rule.treatAsSuccess ? 'success' : null };
    }
  }
  return null;
}

/**
 * 'object' when the rule names a job and an object in it, 'job' when it names a job only,
 * 'global' otherwise (an objectName without a job is still applied as a criterion).
 */
export function overrideLevel(r: Pick<OverrideRule, 'jobId' | 'objectName'>): OverrideLevel {
  if (r.jobId === null) return 'global';
  return blank(r.objectName) ? 'job' : 'object';
}

/** Whether one rule matches one run (ignoring the order of rules). */
export function ruleMatches(rule: OverrideRule, run: RunFacts): boolean {
  if (!NON_SUCCESS.has(run.status) || !(rule.statuses as readonly string[]).includes(run.status)) return false;
  if (rule.validFrom !== null && run.at < rule.validFrom) return false;
  if (rule.validUntil !== null && run.at > rule.validUntil) return false;
  if (rule.customerId !== null && rule.customerId !== run.customerId) return false;
  if (rule.jobId !== null && rule.jobId !== run.jobId) return false;
  if (!blank(rule.software) && !sameText(rule.software, run.software)) return false;
  if (!blank(rule.backupType) && !sameText(rule.backupType, run.backupType)) return false;
  if (!blank(rule.jobNamePattern) && !wildcardMatches(rule.jobNamePattern ?? '', run.jobName)) return false;

  const failing = run.objects.filter((o) => o.status !== null && NON_SUCCESS.has(o.status));
  const matchesText = (message: string | null): boolean => textMatches(rule.errorMatch, rule.errorText, message);
  if (!blank(rule.objectName)) {
    const name = normalise(rule.objectName ?? '');
    return (
      failing.length > 0 && failing.every((o) => normalise(o.name) === name && matchesText(o.message ?? run.message))
    );
  }
  return matchesText(run.message) || failing.some((o) => matchesText(o.message));
}

/**
 * Error text comparison: both sides trimmed, whitespace runs collapsed to one space, compared
 * case-insensitively, for every mode. An empty (or blank) `text` matches any message, null
 * included; otherwise a null message never matches.
 */
export function textMatches(mode: OverrideRule['errorMatch'], text: string, message: string | null): boolean {
  const wanted = normalise(text);
  if (wanted === '') return true;
  if (message === null) return false;
  const actual = normalise(message);
  switch (mode) {
    case 'contains':
      return actual.includes(wanted);
    case 'exact':
      return actual === wanted;
    case 'starts_with':
      return actual.startsWith(wanted);
    case 'ends_with':
      return actual.endsWith(wanted);
    default:
      return false;
  }
}

/**
 * Job name patterns: the whole (trimmed) name must match, case-insensitively; '*' stands for
 * any run of characters (also none), '?' for exactly one; every other character is literal.
 */
export function wildcardMatches(pattern: string, name: string): boolean {
  const source = [...normalise(pattern)]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(normalise(name));
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

function blank(text: string | null): boolean {
  return text === null || text.trim() === '';
}

function sameText(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && normalise(a) === normalise(b);
}
