import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';

// Deliberately strict: no whitespace, no angle brackets, no commas, so an address can never
// smuggle a second recipient or a header line into the envelope.
const ADDRESS = '[^\\s@<>,;"()\\[\\]\\\\]+@[^\\s@<>,;"()\\[\\]\\\\]+\\.[^\\s@<>,;"()\\[\\]\\\\]+';
const address = Type.String({ pattern: `^${ADDRESS}$`, maxLength: 254 });

export const smtpConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[^\\s/]+$' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    /** Implicit TLS from the first byte (usually port 465). */
    secure: Type.Boolean({ default: false }),
    /** STARTTLS on a plain connection: use when offered, insist on it, or never try. */
    startTls: Type.Union([Type.Literal('auto'), Type.Literal('required'), Type.Literal('never')], {
      default: 'auto',
    }),
    /** For relays inside a LAN with self-signed certificates. Off unless the admin opts in. */
    allowInvalidCertificate: Type.Optional(Type.Boolean()),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    /** "alerts@example.com" or "Keepwatch <alerts@example.com>". */
    from: Type.String({ pattern: `^(?:[^<>\\r\\n"]{0,100} <${ADDRESS}>|${ADDRESS})$`, maxLength: 360 }),
    to: Type.Array(address, { minItems: 1, maxItems: 100 }),
    subjectPrefix: Type.String({ maxLength: 60, pattern: '^[^\\r\\n]*$', default: '[Keepwatch]' }),
  },
  { additionalProperties: false },
);

export type SmtpConfig = Static<typeof smtpConfigSchema>;

export const smtpSecretFields = ['password'] as const;

/** Applies defaults and validates; the error names the field, never its value. */
export function parseSmtpConfig(config: Record<string, unknown>): SmtpConfig {
  const value: unknown = Value.Default(smtpConfigSchema, structuredClone(config));
  if (Value.Check(smtpConfigSchema, value)) {
    if (value.password !== undefined && value.user === undefined) {
      throw new ValidationError('smtp channel: a password is set but no user');
    }
    return value;
  }
  const first = Value.Errors(smtpConfigSchema, value).First();
  throw new ValidationError(`smtp channel: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
}
