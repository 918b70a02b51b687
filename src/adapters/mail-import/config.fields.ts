import { ValidationError } from '../../core/errors.js';

/**
 * Reads one importer config field by field, with defaults, and throws a ValidationError that
 * names the field ("imap.port must be 1–65535"). Hand-written rather than a schema so every
 * message reads like advice to the person filling in the form; values are never echoed, so a
 * secret pasted into the wrong field does not end up in a log.
 */
export class FieldReader {
  private readonly seen = new Set<string>();
  private readonly input: Record<string, unknown>;

  constructor(
    private readonly prefix: string,
    input: unknown,
  ) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new ValidationError(`${prefix} settings must be an object`);
    }
    this.input = input as Record<string, unknown>;
  }

  private take(name: string): unknown {
    this.seen.add(name);
    return Object.hasOwn(this.input, name) ? this.input[name] : undefined;
  }

  private fail(name: string, problem: string): never {
    throw new ValidationError(`${this.prefix}.${name} ${problem}`, { field: `${this.prefix}.${name}` });
  }

  string(
    name: string,
    opts: { default?: string; max: number; pattern?: RegExp; patternHint?: string; optional?: boolean },
  ): string | undefined {
    const value = this.take(name);
    if (value === undefined || value === null || value === '') {
      if (opts.default !== undefined) return opts.default;
      if (opts.optional) return undefined;
      return this.fail(name, 'is required');
    }
    if (typeof value !== 'string') return this.fail(name, 'must be text');
    if (value.length > opts.max) return this.fail(name, `must be at most ${opts.max} characters`);
    // CR/LF never belong in any of these settings and would let a value inject protocol lines.
    if (/[\r\n\0]/.test(value)) return this.fail(name, 'must be a single line');
    if (opts.pattern && !opts.pattern.test(value)) return this.fail(name, opts.patternHint ?? 'is not valid');
    return value;
  }

  requiredString(name: string, opts: { max: number; pattern?: RegExp; patternHint?: string }): string {
    return this.string(name, opts) as string;
  }

  integer(name: string, opts: { default?: number; min: number; max: number }): number {
    const value = this.take(name);
    if (value === undefined || value === null) {
      if (opts.default !== undefined) return opts.default;
      return this.fail(name, 'is required');
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < opts.min || value > opts.max) {
      return this.fail(name, `must be ${opts.min}–${opts.max}`);
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.take(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') return this.fail(name, 'must be true or false');
    return value;
  }

  /** Call last: anything the reader was not asked about is a typo or a field of another kind. */
  rejectUnknown(): void {
    for (const key of Object.keys(this.input)) {
      if (!this.seen.has(key)) this.fail(key, 'is not a known setting');
    }
  }
}

/** A secret the kind needs; only its presence is checked, its value is never shown. */
export function requireSecret(prefix: string, secrets: Record<string, string>, name: string): string {
  const value = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`${prefix}.${name} is required`, { field: `${prefix}.${name}` });
  }
  return value;
}

/** Loopback hosts are the only ones where plain-text credentials are acceptable. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Host names and IP literals: no spaces, slashes or schemes. */
export const HOST_PATTERN = /^[A-Za-z0-9.\-:[\]_]+$/;
