import { ValidationError } from '../../../core/errors.js';
import type { NotificationMessage } from '../notifier.contract.js';

/**
 * JSON templates with {{placeholders}}: {{event}}, {{status}}, {{title}}, {{text}}, {{data}},
 * {{data.job}}, {{data.sizes.total}}...
 *
 * A placeholder inside a JSON string is replaced by the JSON-escaped text of the value (quotes,
 * backslashes and newlines in a job name cannot break out of the string); a placeholder outside a
 * string is replaced by the value as a JSON value (missing → null). Because of that, whether the
 * rendered body is valid JSON depends only on the template, never on the values — so validating a
 * template once, before it is saved, is enough.
 *
 * @example
 *   renderWebhookTemplate('{"text": "{{title}} is {{status}}", "size": {{data.bytes}}}', message)
 *   // → '{"text": "nightly-db (Acme) is success", "size": 1048576}'
 */

type Part = { literal: string } | { path: string[]; inString: boolean; source: string };

const ROOTS = ['event', 'status', 'title', 'text', 'data'] as const;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/y;
export const MAX_TEMPLATE_LENGTH = 65_536;

const SAMPLE: NotificationMessage = {
  event: 'test',
  status: 'info',
  title: 'Keepwatch test',
  text: 'sample',
  data: {},
};

function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let inString = false;
  let escaped = false;
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(template);
      const name = match?.[1];
      if (!match || name === undefined) {
        throw new ValidationError(
          `webhook template: malformed placeholder at character ${i + 1} (expected {{name}} or {{data.field}})`,
        );
      }
      const path = name.split('.');
      if (!(ROOTS as readonly string[]).includes(path[0] ?? '') || (path[0] !== 'data' && path.length > 1)) {
        throw new ValidationError(
          `webhook template: unknown placeholder {{${name}}} (known: ${ROOTS.join(', ')}, data.<field>)`,
        );
      }
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ path, inString, source: name });
      escaped = false;
      i += match[0].length;
      continue;
    }
    const c = template[i] as string;
    if (inString && escaped) escaped = false;
    else if (inString && c === '\\') escaped = true;
    else if (c === '"') inString = !inString;
    literal += c;
    i += 1;
  }
  if (literal) parts.push({ literal });
  return parts;
}

function lookup(message: NotificationMessage, path: readonly string[]): unknown {
  let value: unknown = message;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // BigInt or a cycle in data: still produce valid JSON rather than failing the notification.
    return JSON.stringify(String(value));
  }
}

function insert(value: unknown, inString: boolean): string {
  if (!inString) return toJson(value);
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : toJson(value);
  return JSON.stringify(text).slice(1, -1);
}

/** Renders a template for a message. Throws ValidationError when the result is not valid JSON. */
export function renderWebhookTemplate(template: string, message: NotificationMessage): string {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new ValidationError(`webhook template is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  }
  const body = parseTemplate(template)
    .map((part) => ('literal' in part ? part.literal : insert(lookup(message, part.path), part.inString)))
    .join('');
  try {
    JSON.parse(body);
  } catch (err) {
    throw new ValidationError(`webhook template does not render to valid JSON: ${(err as Error).message}`);
  }
  return body;
}

/** For config validation before a channel is saved; pure, no I/O. */
export function validateWebhookTemplate(template: string): void {
  renderWebhookTemplate(template, SAMPLE);
}
