import { ValidationError } from '../../../core/errors.js';

/** Uncommitted uploads live here, at the root, so they can never be mistaken for backups. */
export const PARTIAL_DIR = '.keepwatch-partial';

const MAX_KEY_LENGTH = 1024;
const MAX_SEGMENT_BYTES = 255;
const FORBIDDEN = /[\\\u0000-\u001f\u007f]/;

function checkSegment(segment: string, what: string, value: string): void {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new ValidationError(`${what} "${value}" has an empty, "." or ".." path segment`);
  }
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
    throw new ValidationError(`${what} "${value}" has a path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

function checkCommon(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(`${what} must be a string`);
  if (value.length > MAX_KEY_LENGTH) {
    throw new ValidationError(`${what} is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (FORBIDDEN.test(value)) {
    throw new ValidationError(
      `${what} "${JSON.stringify(value).slice(1, -1)}" contains a backslash or a control character`,
    );
  }
  if (value.startsWith('/')) throw new ValidationError(`${what} "${value}" must be relative, not absolute`);
}

/**
 * Validates an object key and returns its segments. Keys are relative, '/'-separated, with no
 * empty, "." or ".." segments and no backslashes, so joining one to a root can never leave it.
 * Every destination applies the same rules, so a key that works on one works on all.
 */
export function validateKey(key: unknown): string[] {
  checkCommon(key, 'key');
  if (key === '') throw new ValidationError('key must not be empty');
  const segments = key.split('/');
  for (const segment of segments) checkSegment(segment, 'key', key);
  if (segments[0] === PARTIAL_DIR) throw new ValidationError(`key "${key}" uses the reserved name ${PARTIAL_DIR}`);
  return segments;
}

/**
 * Validates a list prefix (a plain string prefix of keys, as in S3: "acme/", "acme/nightly-2026")
 * and returns the segments of the deepest directory it fully names.
 */
export function validatePrefix(prefix: unknown): string[] {
  checkCommon(prefix, 'prefix');
  const segments = prefix.split('/');
  const dirSegments = segments.slice(0, -1);
  for (const segment of dirSegments) checkSegment(segment, 'prefix', prefix);
  if (dirSegments[0] === PARTIAL_DIR) {
    throw new ValidationError(`prefix "${prefix}" uses the reserved name ${PARTIAL_DIR}`);
  }
  return dirSegments;
}
