import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';
import { MAX_TEMPLATE_LENGTH, validateWebhookTemplate } from './webhook.template.js';

export const webhookConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048 }),
    method: Type.Union([Type.Literal('POST'), Type.Literal('PUT')], { default: 'POST' }),
    /** Secret as a whole: it usually carries an Authorization or API-key header. */
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 8192 }))),
    /** JSON with {{placeholders}}; see webhook.template.ts. Default body: the message as JSON. */
    template: Type.Optional(Type.String({ maxLength: MAX_TEMPLATE_LENGTH })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  },
  { additionalProperties: false },
);

export type WebhookConfig = Static<typeof webhookConfigSchema>;

export const webhookSecretFields = ['headers'] as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by us (body framing, content type) — letting a config override them would break requests.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** Applies defaults and validates; errors name the field or header, never a header's value. */
export function parseWebhookConfig(config: Record<string, unknown>): WebhookConfig {
  const value: unknown = Value.Default(webhookConfigSchema, structuredClone(config));
  if (!Value.Check(webhookConfigSchema, value)) {
    const first = Value.Errors(webhookConfigSchema, value).First();
    throw new ValidationError(
      `webhook channel: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value.url);
  } catch {
    throw new ValidationError('webhook channel: url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError('webhook channel: url must start with http:// or https://');
  }
  if (url.username || url.password) {
    throw new ValidationError('webhook channel: url must not contain credentials; put them in an Authorization header');
  }
  for (const [name, headerValue] of Object.entries(value.headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw new ValidationError(`webhook channel: "${name}" is not a valid header name`);
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ValidationError(`webhook channel: header "${name}" is set by Keepwatch itself`);
    }
    if (/[\r\n\0]/.test(headerValue)) {
      throw new ValidationError(`webhook channel: the value of header "${name}" contains a line break`);
    }
  }
  if (value.template !== undefined) validateWebhookTemplate(value.template);
  return value;
}
