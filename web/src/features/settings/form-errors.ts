import { ApiError } from '../../api/client';

/**
 * An API validation error names its field first ("source.config.port: Expected integer",
 * "settings.timezone: 'x' is not a known time zone", "user.username must be ..."). This splits
 * such an error into messages per form field (through `toField`, which maps an API path to a
 * form path or null) and the rest, which the form shows as an Alert.
 */
export function splitApiError(
  err: unknown,
  toField: (apiPath: string) => string | null,
): { fields: Record<string, string>; rest: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, rest: err instanceof Error ? err.message : String(err) };
  const listed = (err.details as { errors?: unknown } | undefined)?.errors;
  const messages =
    Array.isArray(listed) && listed.every((m) => typeof m === 'string')
      ? (listed as string[])
      : err.message.split('; ');
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const message of messages) {
    const m = /^([A-Za-z_]+(?:\.[A-Za-z0-9_[\]]+)*)(:\s*|\s+)(.*)$/s.exec(message);
    const field = m ? toField(m[1]!) : null;
    if (!m || !field) {
      rest.push(message);
      continue;
    }
    // "restore.database must be ..." → "Must be ..." under the Database name field.
    const index = /\.(\d+)$/.exec(m[1]!);
    const text = (index ? `Entry ${Number(index[1]) + 1}: ` : '') + (humanize(m[3]!) || message);
    // The first message for a field is the most useful one (later ones repeat it).
    fields[field] ??= text;
  }
  return { fields, rest: rest.length ? rest.join('; ') : null };
}

/** Sets the field errors on a Mantine form and returns the form-level message (or null). */
export function applyApiError(
  form: { setFieldError: (path: string, error: string) => void },
  err: unknown,
  toField: (apiPath: string) => string | null,
): string | null {
  const { fields, rest } = splitApiError(err, toField);
  for (const [path, message] of Object.entries(fields)) form.setFieldError(path, message);
  return rest;
}

/**
 * A mapper for paths under one API prefix: `prefixed('settings', {timezone: 'timezone'})`.
 * Paths below `config.` keep their first segment ("config.to.0" → "config.to").
 */
export function prefixed(prefix: string, known: Record<string, string>, withConfig = false) {
  return (apiPath: string): string | null => {
    if (!apiPath.startsWith(`${prefix}.`)) return null;
    const rest = apiPath.slice(prefix.length + 1);
    if (withConfig && rest.startsWith('config.')) {
      const key = rest.slice('config.'.length).split(/[.[]/)[0];
      return key ? `config.${key}` : null;
    }
    const first = rest.split(/[.[]/)[0]!;
    return known[first] ?? null;
  };
}

/** TypeBox's wording, for people: a regular expression means nothing to most users. */
function humanize(text: string): string {
  if (/^Expected required property$/.test(text)) return 'Required';
  if (/^Expected string to match /.test(text)) return 'Invalid format';
  if (/^Expected integer$/.test(text)) return 'Must be a whole number';
  return capitalize(text);
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
