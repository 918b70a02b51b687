import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfigReferences, type ReferenceContext } from './config-references.js';

const files: Record<string, string> = {
  '/secrets/pg': 'p@ss: #word\n',
  '/conf/relative.txt': 'from-relative',
};

function context(env: Record<string, string> = {}): ReferenceContext {
  return {
    env,
    sourceName: 'jobs.yaml',
    baseDir: '/conf',
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return content;
    },
  };
}

describe('resolveConfigReferences', () => {
  it('returns a file without references byte for byte', () => {
    const source = '# comment\nsources:\n  - name: pg   # kept\n    port: 5432\n';
    expect(resolveConfigReferences(source, context())).toBe(source);
  });

  it('substitutes env and file references inside values, safely for YAML', () => {
    const source = [
      'sources:',
      '  - name: pg',
      '    config:',
      '      user: ${env:PGUSER}',
      '      password: ${file:/secrets/pg}',
      '      url: "postgres://${env:PGUSER}@db/${env:DB}"',
    ].join('\n');
    const out = resolveConfigReferences(source, context({ PGUSER: 'backup', DB: 'app' }));
    expect(parse(out)).toEqual({
      sources: [
        {
          name: 'pg',
          // The file's trailing newline is dropped; ": #" cannot break the document.
          config: { user: 'backup', password: 'p@ss: #word', url: 'postgres://backup@db/app' },
        },
      ],
    });
  });

  it('reads relative file references from the YAML file directory', () => {
    expect(parse(resolveConfigReferences('a: ${file:relative.txt}\n', context()))).toEqual({ a: 'from-relative' });
  });

  it('types a bare unquoted reference as the text would read, a quoted one stays a string', () => {
    const out = resolveConfigReferences(
      'port: ${env:P}\nquoted: "${env:P}"\nflag: ${env:F}\n',
      context({ P: '5432', F: 'true' }),
    );
    expect(parse(out)).toEqual({ port: 5432, quoted: '5432', flag: true });
  });

  it('keeps $${...} as a literal ${...}', () => {
    const out = resolveConfigReferences('note: cost $${env:HOME} and ${env:X}\n', context({ X: 'y' }));
    expect(parse(out)).toEqual({ note: 'cost ${env:HOME} and y' });
  });

  it('names the unset variable and its line', () => {
    const source = 'a: 1\nb:\n  c: ok\n  d: ${env:MISSING_ONE}\n';
    expect(() => resolveConfigReferences(source, context())).toThrow(
      'jobs.yaml line 4: environment variable MISSING_ONE is not set',
    );
  });

  it('names the line of a reference inside a block scalar', () => {
    const source = 'script: |\n  echo one\n  echo ${env:NOPE}\n';
    expect(() => resolveConfigReferences(source, context())).toThrow('jobs.yaml line 3:');
  });

  it('reports an unreadable file without its content', () => {
    expect(() => resolveConfigReferences('a: ${file:/secrets/none}\n', context())).toThrow(
      'jobs.yaml line 1: cannot read /secrets/none (ENOENT)',
    );
  });

  it('rejects an invalid variable name', () => {
    expect(() => resolveConfigReferences('a: ${env:BAD-NAME}\n', context())).toThrow('not a valid variable name');
  });

  it('leaves other ${...} text alone and keeps comments', () => {
    const source = '# set ${env:X} here\na: ${HOME}\nb: ${env:X} # trailing\n';
    const out = resolveConfigReferences(source, context({ X: 'v' }));
    expect(out).toContain('# set ${env:X} here');
    expect(out).toContain('# trailing');
    expect(parse(out)).toEqual({ a: '${HOME}', b: 'v' });
  });

  it('resolves every document of a multi-document stream', () => {
    const out = resolveConfigReferences('a: ${env:X}\n---\nb: ${env:X}\n', context({ X: 'v' }));
    expect(out.split('\n').filter((l) => l === '---')).toHaveLength(1);
    expect(out).toContain('a: v');
    expect(out).toContain('b: v');
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => resolveConfigReferences('a: ${env:X}\n  b: [\n', context({ X: 'v' }))).toThrow(/^jobs\.yaml: /);
  });
});
