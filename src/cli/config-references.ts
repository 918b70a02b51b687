import { isAbsolute, resolve as resolvePath } from 'node:path';
import { LineCounter, parseAllDocuments, parse as parseYaml, Scalar, visit } from 'yaml';
import { ValidationError } from '../core/errors.js';

/**
 * Resolves `${env:NAME}` and `${file:/path}` references in a configuration file on the
 * client, so secrets live in the operator's environment or files and never in the YAML that
 * is committed to a repository. `$${...}` escapes a literal `${...}`.
 *
 * The substitution happens on parsed YAML scalars, not on the text, so a value containing
 * `: `, `#` or quotes cannot change the document's structure; the YAML is re-serialised only
 * when something was substituted.
 */
export interface ReferenceContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a referenced file (injected so tests need no disk). */
  readFile: (path: string) => string;
  /** Shown in errors: the file name, or "stdin". */
  sourceName: string;
  /** Relative `${file:...}` paths are taken relative to this directory. */
  baseDir: string;
}

const REFERENCE = /\$(\$)?\{(env|file):([^}\n]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a plain (unquoted) YAML scalar would have read as a number or boolean. */
const TYPED_PLAIN = /^(?:[-+]?(?:\d+|\d*\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|true|false)$/;

export function resolveConfigReferences(source: string, context: ReferenceContext): string {
  if (!source.includes('${')) return source;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source, { lineCounter, prettyErrors: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const document of documents) {
    const first = document.errors[0];
    if (first) throw new ValidationError(`${context.sourceName}: ${first.message}`);
  }

  let changed = false;
  for (const document of documents) {
    visit(document, {
      Scalar(_key, node) {
        if (typeof node.value !== 'string' || !node.value.includes('${')) return;
        const original = node.value;
        const lineOf = (match: string): number => {
          const [start = 0, end = start] = node.range ?? [];
          const at = source.slice(start, end).indexOf(match);
          return lineCounter.linePos(start + Math.max(at, 0)).line;
        };
        const resolved = original.replace(
          REFERENCE,
          (match: string, escaped: string | undefined, scheme: string, name: string) => {
            if (escaped) return match.slice(1);
            return scheme === 'env' ? envValue(name, context, lineOf(match)) : fileValue(name, context, lineOf(match));
          },
        );
        if (resolved === original) return;
        changed = true;
        node.value = typedLikeText(node, original, resolved);
      },
    });
  }
  if (!changed) return source;
  // lineWidth 0: never fold long values such as keys or connection strings.
  return documents
    .map((document, index) => {
      const text = document.toString({ lineWidth: 0 });
      return index === 0 || text.startsWith('---') ? text : `---\n${text}`;
    })
    .join('');
}

function envValue(name: string, context: ReferenceContext, line: number): string {
  if (!ENV_NAME.test(name)) {
    throw new ValidationError(`${context.sourceName} line ${line}: "\${env:${name}}" is not a valid variable name`);
  }
  const value = context.env[name];
  if (value === undefined) {
    throw new ValidationError(
      `${context.sourceName} line ${line}: environment variable ${name} is not set (referenced as \${env:${name}})`,
    );
  }
  return value;
}

function fileValue(path: string, context: ReferenceContext, line: number): string {
  if (path.trim() === '') throw new ValidationError(`${context.sourceName} line ${line}: \${file:} needs a path`);
  const fullPath = isAbsolute(path) ? path : resolvePath(context.baseDir, path);
  let content: string;
  try {
    content = context.readFile(fullPath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ValidationError(`${context.sourceName} line ${line}: cannot read ${fullPath} (${reason})`);
  }
  // Secret files are usually written with a trailing newline that is not part of the secret.
  return content.replace(/\r?\n$/, '');
}

/**
 * `port: ${env:PGPORT}` should send the number 5432, as a textual substitution would; a
 * quoted reference, or one embedded in longer text, always stays a string.
 */
function typedLikeText(node: Scalar, original: string, resolved: string): unknown {
  const wholeReference = original.match(REFERENCE)?.[0] === original && !original.startsWith('$$');
  if (node.type !== Scalar.PLAIN || !wholeReference || !TYPED_PLAIN.test(resolved)) return resolved;
  const value: unknown = parseYaml(resolved);
  return typeof value === 'number' || typeof value === 'boolean' ? value : resolved;
}
