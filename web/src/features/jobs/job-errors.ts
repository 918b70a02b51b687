import { ApiError } from '../../api/client';
import { formFieldOf } from './job-form';

/**
 * Splits an API error of a job save into messages per form field and the rest (a form-level
 * alert). Validation messages start with their path: "job.destinations[0].retention: ...",
 * "schedule.expression: ...", "job.name is required", "body.name must NOT have fewer...".
 */
export function splitJobError(err: unknown): { fields: Record<string, string>; rest: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, rest: err instanceof Error ? err.message : String(err) };
  // "job 'nightly' already exists for customer 'Acme'": the name is the field to change.
  if (err.status === 409 && /already exists/.test(err.message)) return { fields: { name: err.message }, rest: null };
  const listed = (err.details as { errors?: unknown } | undefined)?.errors;
  const messages =
    Array.isArray(listed) && listed.every((m) => typeof m === 'string') ? (listed as string[]) : [err.message];
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const message of messages) {
    const m = /^([A-Za-z_]+(?:\.[A-Za-z0-9_]+|\[\d+\])*)(:\s*|\s+)(.*)$/s.exec(message);
    const field = m && err.status === 400 ? formFieldOf(m[1]!) : null;
    if (!m || !field) {
      rest.push(message);
      continue;
    }
    // "job.name is required" reads as "Name is required" under the Name field.
    const text = m[2]!.startsWith(':')
      ? m[3]!
      : `${m[1]!
          .replace(/\[\d+\]/g, '')
          .split('.')
          .pop()} ${m[3]!}`;
    fields[field] ??= text.charAt(0).toUpperCase() + text.slice(1);
  }
  return { fields, rest: rest.length ? rest.join('; ') : null };
}
