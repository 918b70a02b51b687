import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { runTool, scrubSecrets, writeSecretFile } from '../../src/adapters/sources/process.js';
import { loadSourceAdapter, sourceKinds } from '../../src/adapters/sources/registry.js';

const node = process.execPath;
const env = { PATH: process.env.PATH ?? '' };
const signal = new AbortController().signal;

describe('runTool', () => {
  it('streams stdout and resolves on exit 0', async () => {
    const proc = runTool({
      command: node,
      args: ['-e', 'process.stdout.write("x".repeat(200000))'],
      env,
      signal,
      stdout: 'stream',
    });
    expect((await text(proc.stdout!)).length).toBe(200000);
    await expect(proc.done).resolves.toBeDefined();
  });

  it('keeps every byte of a tool that exits before its output is consumed', async () => {
    // Regression: Node resumes the unconsumed stdout of an exited child, dropping its buffered
    // first 64 KiB; a small dump that finished before the pipeline attached lost its beginning.
    const proc = runTool({
      command: node,
      args: ['-e', 'for (let i = 0; i < 1000; i++) process.stdout.write(`line ${i} ${"y".repeat(40)}\\n`)'],
      env,
      signal,
      stdout: 'stream',
    });
    // ~50 KB: fits in the 64 KiB pipe buffer alone, so the tool always exits before anyone reads
    // (at ~100 KB it depended on how the bytes were split between the pipe and our stream's
    // small buffer, and the tool sometimes waited for a reader that waited for it).
    await proc.done; // the tool has exited; only now does a consumer attach
    await new Promise((r) => setTimeout(r, 200));
    const out = await text(proc.stdout!);
    expect(out.startsWith('line 0 ')).toBe(true);
    expect(out.split('\n').filter(Boolean)).toHaveLength(1000);
  });

  it('rejects on a non-zero exit with the scrubbed stderr tail', async () => {
    const script = 'console.error("auth failed for hunter2"); process.exit(3)';
    const proc = runTool({ command: node, args: ['-e', script], env, signal, secrets: ['hunter2'] });
    await expect(proc.done).rejects.toThrow(/^node exited with code 3: auth failed for \*\*\*$/);
  });

  it('keeps only a bounded stderr tail and scrubs a secret cut at its start', async () => {
    // 4096-byte tail: the secret straddles the cut so only its end is inside the tail.
    const script = 'process.stderr.write("a".repeat(10000) + "SECRETVALUE" + "b".repeat(4090)); process.exit(1)';
    const err = await runTool({
      command: node,
      args: ['-e', script],
      env,
      signal,
      secrets: ['SECRETVALUE'],
    }).done.catch((e: Error) => e);
    expect(String(err)).not.toMatch(/LUE|ALUE|VALUE/);
    expect(String(err).length).toBeLessThan(4300);
    expect(scrubSecrets('ALUE tail', ['SECRETVALUE'], true)).toBe('*** tail');
  });

  it('says when the tool is not installed', async () => {
    await expect(runTool({ command: 'no-such-tool-kw', args: [], env, signal }).done).rejects.toThrow(
      /no-such-tool-kw could not be started/,
    );
  });

  it('kills the tool on abort, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const ac = new AbortController();
    const script = 'process.on("SIGTERM", () => {}); console.error("started"); setInterval(() => {}, 1000)';
    const lines: string[] = [];
    const proc = runTool({
      command: node,
      args: ['-e', script],
      env,
      signal: ac.signal,
      killGraceMs: 300,
      onStderrLine: (l) => lines.push(l),
    });
    await vi_waitFor(() => lines.includes('started'));
    const t0 = Date.now();
    ac.abort();
    await expect(proc.done).rejects.toThrow(/node was cancelled/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('kills the tool when its input fails, so a half-read input never succeeds', async () => {
    const input = new Readable({ read() {} });
    input.push('partial');
    setTimeout(() => input.destroy(new Error('authentication tag mismatch')), 50);
    const proc = runTool({ command: node, args: ['-e', 'process.stdin.resume()'], env, signal, stdin: input });
    await expect(proc.done).rejects.toThrow(/node input failed: authentication tag mismatch/);
  });

  it('kills the tool when its input is destroyed without an error', async () => {
    const input = new Readable({ read() {} });
    input.push('partial');
    setTimeout(() => input.destroy(), 50);
    const proc = runTool({ command: node, args: ['-e', 'process.stdin.resume()'], env, signal, stdin: input });
    await expect(proc.done).rejects.toThrow(/node input failed: the input closed before its end/);
  });

  it('rejects when the tool stops reading its input early even with exit 0', async () => {
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < 2000; i++) yield Buffer.alloc(65536);
      })(),
    );
    const proc = runTool({ command: node, args: ['-e', 'process.exit(0)'], env, signal, stdin: input });
    await expect(proc.done).rejects.toThrow(/stopped reading its input/);
  });
});

describe('writeSecretFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kw-scratch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a 0600 file inside the scratch dir and never overwrites', async () => {
    const path = await writeSecretFile(dir, 'pgpass', 'x');
    expect(path.startsWith(`${dir}/pgpass-`)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toHaveLength(1);
  });
});

describe('source registry', () => {
  it('lists and loads every kind', async () => {
    expect(sourceKinds()).toEqual(['postgres', 'mysql', 'sqlite']);
    for (const kind of sourceKinds()) {
      const adapter = await loadSourceAdapter(kind);
      expect(adapter.kind).toBe(kind);
      expect(adapter.configSchema.type).toBe('object');
    }
    expect((await loadSourceAdapter('mysql')).label).toBe('MySQL / MariaDB');
  });

  it('rejects unknown kinds by name', async () => {
    await expect(loadSourceAdapter('oracle')).rejects.toThrow(ValidationError);
    await expect(loadSourceAdapter('oracle')).rejects.toThrow(
      "unknown source type 'oracle' (known: postgres, mysql, sqlite)",
    );
    await expect(loadSourceAdapter('constructor')).rejects.toThrow(ValidationError);
  });
});

async function vi_waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
