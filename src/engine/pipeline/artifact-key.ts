import { slugify } from '../../core/validate.js';

/**
 * Where an artifact lives on a destination: `<customer>/<job>/<UTC stamp>-run<id>.<ext>`.
 * The run id keeps names unique even for two runs in the same second; the UTC stamp sorts
 * lexically and never changes with DST.
 */
export function artifactKey(opts: {
  customerSlug: string;
  jobName: string;
  createdAt: number;
  runId: number;
  extension: string;
}): string {
  const stamp = new Date(opts.createdAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${opts.customerSlug}/${slugify(opts.jobName)}/${stamp}-run${opts.runId}.${opts.extension}`;
}

export const SIDECAR_SUFFIX = '.meta.json';
