import type { CustomerImportResult, CustomerWithCounts, JobCounts } from '../../api/types';

/** Pure view logic of the Customers page (unit-tested in test/web/mail-customers.test.ts). */

/** "2 monitored · 1 backup" (zero kinds left out; system jobs are the installation's own). */
export function jobBreakdown(counts: JobCounts | undefined): string {
  if (!counts) return '';
  const parts: string[] = [];
  if (counts.monitored) parts.push(`${counts.monitored} monitored`);
  if (counts.backup) parts.push(`${counts.backup} backup`);
  if (counts.system) parts.push(`${counts.system} system`);
  return parts.join(' · ');
}

/** Customers with no job at all are worth a look (red count), as in BackupChecks. */
export const hasNoJobs = (c: CustomerWithCounts) => c.jobCounts !== undefined && c.jobCounts.total === 0;

/** "2 created, 1 updated" or, when any line failed, "Nothing imported: 2 lines have errors". */
export function importSummary(r: CustomerImportResult): string {
  if (r.errors.length) {
    const n = r.errors.length;
    return `Nothing imported: ${n} line${n === 1 ? ' has an error' : 's have errors'}`;
  }
  return `${r.created} created, ${r.updated} updated`;
}

/** Case-insensitive filter on name and slug for the list's search box. */
export function filterCustomers<C extends { name: string; slug: string }>(customers: readonly C[], q: string): C[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [...customers];
  return customers.filter((c) => c.name.toLowerCase().includes(needle) || c.slug.toLowerCase().includes(needle));
}
