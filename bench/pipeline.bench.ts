/**
 * Backup pipeline benchmark (SPEC §13): the Keepwatch streaming pipeline against the shell
 * pipelines an administrator would otherwise write, on the same input, in the same run.
 *
 *   npx tsx bench/pipeline.bench.ts [--size-mib 512] [--runs 3] [--cases kw-gzip-6,pigz-6]
 *                                   [--block-size-kib 1024] [--concurrency 3] [--no-doc]
 *
 * Each case runs in its own child process so peak RSS figures do not mix. Throughput is the
 * best of --runs interleaved runs (the least disturbed by other load); peak RSS and loop delay
 * are the worst over the runs. Results go to stdout and to the "Backup pipeline" section of
 * docs/benchmarks.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CompressionAlgorithm } from '../src/core/domain.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIR = join(ROOT, '.bench');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const MIB = 1024 * 1024;
const LOOP_RESOLUTION_MS = 10;

// ---------------------------------------------------------------- cases

interface KeepwatchCase {
  kind: 'keepwatch';
  algorithm: CompressionAlgorithm;
  level?: number;
  label: string;
}
interface ShellCase {
  kind: 'shell';
  tool: string;
  compressor: string;
  label: string;
}
type Case = KeepwatchCase | ShellCase;

const OPENSSL = 'openssl enc -aes-256-ctr -pbkdf2 -pass file:"$KEYFILE"';
const CASES: Record<string, Case> = {
  'kw-gzip-6': { kind: 'keepwatch', algorithm: 'gzip', level: 6, label: 'Keepwatch gzip-6 + AES-256-GCM + SHA-256' },
  'kw-zstd-3': { kind: 'keepwatch', algorithm: 'zstd', level: 3, label: 'Keepwatch zstd-3 + AES-256-GCM + SHA-256' },
  'kw-none': { kind: 'keepwatch', algorithm: 'none', label: 'Keepwatch none + AES-256-GCM + SHA-256' },
  'pigz-6': { kind: 'shell', tool: 'pigz', compressor: 'pigz -6 |', label: 'cat | pigz -6 | openssl aes-256-ctr' },
  'gzip-6': { kind: 'shell', tool: 'gzip', compressor: 'gzip -6 |', label: 'cat | gzip -6 | openssl aes-256-ctr' },
  'zstd-3-T0': {
    kind: 'shell',
    tool: 'zstd',
    compressor: 'zstd -q -3 -T0 |',
    label: 'cat | zstd -3 -T0 | openssl aes-256-ctr',
  },
  'zstd-3': { kind: 'shell', tool: 'zstd', compressor: 'zstd -q -3 |', label: 'cat | zstd -3 | openssl aes-256-ctr' },
  'cat-openssl': { kind: 'shell', tool: 'openssl', compressor: '', label: 'cat | openssl aes-256-ctr' },
};

interface RunResult {
  seconds: number;
  outBytes: number;
  /** User + system CPU seconds of all the case's processes and threads. */
  cpuSeconds: number;
  maxRssMib?: number;
  loopP99Ms?: number;
  loopMaxMs?: number;
}

// ---------------------------------------------------------------- arguments

interface Args {
  sizeMib: number;
  runs: number;
  cases: string[];
  blockSize?: number;
  concurrency?: number;
  writeDoc: boolean;
  child?: string;
  input?: string;
  output?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sizeMib: 512, runs: 3, cases: Object.keys(CASES), writeDoc: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--size-mib') args.sizeMib = Number(value());
    else if (flag === '--runs') args.runs = Number(value());
    else if (flag === '--cases') args.cases = value().split(',');
    else if (flag === '--block-size-kib') args.blockSize = Number(value()) * 1024;
    else if (flag === '--concurrency') args.concurrency = Number(value());
    else if (flag === '--no-doc') args.writeDoc = false;
    else if (flag === '--child') args.child = value();
    else if (flag === '--input') args.input = value();
    else if (flag === '--output') args.output = value();
    else throw new Error(`unknown option ${flag}`);
  }
  for (const name of args.cases) if (!CASES[name]) throw new Error(`unknown case ${name}`);
  if (!(args.sizeMib > 0) || !(args.runs >= 1)) throw new Error('--size-mib and --runs must be positive');
  return args;
}

// ---------------------------------------------------------------- input: an SQL dump

/** xorshift32: deterministic, so the same input is generated on every machine. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const FIRST = [
  'Anna',
  'Bruno',
  'Chloé',
  'David',
  'Emma',
  'Farid',
  'Giulia',
  'Hugo',
  'Inès',
  'Jonas',
  'Karin',
  'Léo',
  'Maria',
  'Noah',
  'Olga',
  'Paul',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomás',
  'Ursula',
  'Victor',
  'Wen',
  'Yusuf',
  'Zoé',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Müller',
  'Schmidt',
  'Rossi',
  'García',
  'Novak',
  "O''Neil",
  'Kowalski',
  'Jensen',
  'Silva',
  'Nguyen',
  'Smith',
  'Lefèvre',
  'Fischer',
  'Costa',
  'Horvath',
  'Andersson',
  'Petit',
];
const CITIES = [
  'Paris',
  'Lyon',
  'Berlin',
  'München',
  'Madrid',
  'Lisboa',
  'Roma',
  'Wien',
  'Praha',
  'Warszawa',
  'Amsterdam',
  'Bruxelles',
  'Zürich',
  'Genève',
  'København',
  'Oslo',
  'Dublin',
  'Porto',
  'Milano',
  'Lille',
];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'shop.example.fr', 'example.de'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const EVENTS = ['login', 'logout', 'page_view', 'add_to_cart', 'checkout', 'password_reset', 'api_call', 'export'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'curl/8.5.0',
  'okhttp/4.12.0',
];
const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua delivery invoice customer requested gift wrap leave at door call before fragile urgent ' +
  'backorder partial refund discount applied loyalty'
).split(' ');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

class DumpWriter {
  private readonly next: () => number;
  private time = Date.UTC(2023, 0, 1) / 1000;
  private ids = { customers: 0, orders: 0, events: 0, lines: 0 };

  constructor(seed: number) {
    this.next = prng(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.next() % list.length] as T;
  }

  private timestamp(): string {
    this.time += this.next() % 40;
    return new Date(this.time * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }

  private uuid(): string {
    let s = '';
    for (let i = 0; i < 4; i++) {
      const r = this.next();
      s += HEX[r & 255]! + HEX[(r >>> 8) & 255]! + HEX[(r >>> 16) & 255]! + HEX[r >>> 24]!;
    }
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
  }

  private words(max: number): string {
    const n = 1 + (this.next() % max);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.pick(WORDS));
    return out.join(' ');
  }

  private money(max: number): string {
    return `${Math.floor((this.next() % (max * 100)) / 100)}.${String(this.next() % 100).padStart(2, '0')}`;
  }

  private customer(): string {
    const id = ++this.ids.customers;
    const first = this.pick(FIRST);
    const last = this.pick(LAST);
    const email = `${first.toLowerCase()}.${last.toLowerCase().replace("''", '')}${this.next() % 1000}@${this.pick(DOMAINS)}`;
    const phone = `+33 6 ${String(this.next() % 100_000_000).padStart(8, '0')}`;
    return (
      `(${id},'${this.uuid()}','${first}','${last}','${email}','${phone}','${this.pick(CITIES)}',` +
      `'${this.timestamp()}',${this.next() % 10 ? 1 : 0},${this.money(5000)})`
    );
  }

  private order(): string {
    const id = ++this.ids.orders;
    const customer = 1 + (this.next() % Math.max(1, this.ids.customers));
    const note = this.next() % 3 === 0 ? `'${this.words(12)}'` : 'NULL';
    const shipped = this.next() % 2 ? `'${this.timestamp()}'` : 'NULL';
    return `(${id},${customer},'${this.pick(STATUSES)}','EUR',${this.money(2000)},'${this.timestamp()}',${shipped},${note})`;
  }

  private line(): string {
    const id = ++this.ids.lines;
    const order = Math.max(1, this.ids.orders - (this.next() % 50));
    return `(${id},${order},'SKU-${(this.next() % 90_000) + 10_000}',${1 + (this.next() % 5)},${this.money(300)})`;
  }

  private event(): string {
    const id = ++this.ids.events;
    const ip = `${10 + (this.next() % 200)}.${this.next() % 256}.${this.next() % 256}.${this.next() % 256}`;
    const payload = `{"session":"${this.uuid()}","duration_ms":${this.next() % 5000},"ok":${this.next() % 7 ? 'true' : 'false'}}`;
    return `(${id},'${this.pick(EVENTS)}','${ip}','${this.pick(AGENTS)}','${payload}','${this.timestamp()}')`;
  }

  /** One mysqldump-style extended INSERT of 20–220 rows of a randomly chosen table. */
  statement(): string {
    const rows: string[] = [];
    const count = 20 + (this.next() % 200);
    const r = this.next() % 10;
    const [table, make] =
      r < 2
        ? ['customers', () => this.customer()]
        : r < 5
          ? ['orders', () => this.order()]
          : r < 7
            ? ['order_lines', () => this.line()]
            : ['events', () => this.event()];
    for (let i = 0; i < count; i++) rows.push(make());
    return `INSERT INTO \`${table}\` VALUES ${rows.join(',')};\n`;
  }
}

const DUMP_HEADER = `-- Keepwatch benchmark dump (synthetic, deterministic)
SET NAMES utf8mb4;
CREATE TABLE \`customers\` (id bigint PRIMARY KEY, uuid char(36), first_name varchar(64), last_name varchar(64),
  email varchar(255), phone varchar(32), city varchar(64), created_at datetime, active tinyint, balance decimal(12,2));
CREATE TABLE \`orders\` (id bigint PRIMARY KEY, customer_id bigint, status varchar(16), currency char(3),
  total decimal(12,2), created_at datetime, shipped_at datetime NULL, note text NULL);
CREATE TABLE \`order_lines\` (id bigint PRIMARY KEY, order_id bigint, sku varchar(16), quantity int, price decimal(10,2));
CREATE TABLE \`events\` (id bigint PRIMARY KEY, type varchar(32), ip varchar(45), user_agent text, payload json,
  created_at datetime);
`;

/** Writes (or reuses) a deterministic SQL dump of exactly `sizeMib` MiB. */
function ensureInput(sizeMib: number): string {
  const path = join(BENCH_DIR, `dump-${sizeMib}mib.sql`);
  const size = sizeMib * MIB;
  if (existsSync(path) && statSync(path).size === size) return path;
  mkdirSync(BENCH_DIR, { recursive: true });
  const started = performance.now();
  const temp = `${path}.partial`;
  const fd = openSync(temp, 'w');
  const writer = new DumpWriter(20_260_101);
  let written = 0;
  let batch = DUMP_HEADER;
  while (written < size) {
    while (batch.length < 8 * MIB) batch += writer.statement();
    const bytes = Buffer.from(batch);
    const take = Math.min(bytes.length, size - written);
    writeSync(fd, bytes, 0, take);
    written += take;
    batch = '';
  }
  closeSync(fd);
  renameSync(temp, path);
  console.log(`generated ${path} (${sizeMib} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return path;
}

// ---------------------------------------------------------------- child: one Keepwatch run

async function runKeepwatchChild(args: Args): Promise<void> {
  // Imported here so the parent process stays small and loads nothing it does not measure.
  const { createCompressStream } = await import('../src/compression/compression.js');
  const { createEncryptStream } = await import('../src/crypto/backup-stream.js');
  if (args.child === 'idle') {
    // The floor under every Keepwatch figure: node, the tsx loader and our modules, no data.
    const idle: RunResult = {
      seconds: 0,
      outBytes: 0,
      cpuSeconds: 0,
      maxRssMib: (process.resourceUsage().maxRSS * 1024) / MIB,
    };
    console.log(JSON.stringify(idle));
    return;
  }
  const c = CASES[args.child ?? ''];
  if (!c || c.kind !== 'keepwatch' || !args.input || !args.output) throw new Error('bad child arguments');
  const key = randomBytes(32);
  const hash = createHash('sha256');
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const before = process.resourceUsage();
  const cpuBefore = before.userCPUTime + before.systemCPUTime;
  const started = performance.now();
  loop.enable();
  await pipeline(
    // 1 MiB reads: at the default 64 KiB, Node spends about 1 s of CPU per 512 MiB on fs
    // round trips alone, more than AES-GCM and SHA-256 together.
    createReadStream(args.input, { highWaterMark: MIB }),
    createCompressStream(
      { algorithm: c.algorithm, level: c.level },
      { blockSize: args.blockSize, concurrency: args.concurrency },
    ),
    createEncryptStream({ key, compression: c.algorithm }),
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    }),
    createWriteStream(args.output),
  );
  loop.disable();
  hash.digest();
  const usage = process.resourceUsage();
  const result: RunResult = {
    seconds: (performance.now() - started) / 1000,
    outBytes: statSync(args.output).size,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime - cpuBefore) / 1e6,
    maxRssMib: (usage.maxRSS * 1024) / MIB,
    // The histogram records whole timer intervals; the delay is what exceeds the interval.
    loopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    loopMaxMs: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS),
  };
  console.log(JSON.stringify(result));
}

// ---------------------------------------------------------------- parent: running cases

function spawnCollect(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${argv.join(' ')} exited ${code}\n${stderr}`));
    });
  });
}

async function runCase(name: string, input: string, args: Args, keyFile: string): Promise<RunResult> {
  const c: Case = CASES[name] ?? { kind: 'keepwatch', algorithm: 'none', label: name };
  const output = join(BENCH_DIR, `out-${name}`);
  try {
    if (c.kind === 'keepwatch') {
      const argv = [...process.execArgv, fileURLToPath(import.meta.url), '--child', name, '--input', input];
      argv.push('--output', output);
      if (args.blockSize) argv.push('--block-size-kib', String(args.blockSize / 1024));
      if (args.concurrency) argv.push('--concurrency', String(args.concurrency));
      const { stdout } = await spawnCollect(process.execPath, argv);
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as RunResult;
    }
    // The key travels in a file, not on the command line, as it would in production.
    const script = `set -o pipefail; cat "$IN" | ${c.compressor} ${OPENSSL} > "$OUT"`;
    const started = performance.now();
    // GNU time reports the largest RSS among the pipeline's processes and their total CPU time.
    const { stderr } = await spawnCollect('/usr/bin/time', ['-f', '%M %U %S', 'bash', '-c', script], {
      ...process.env,
      IN: input,
      OUT: output,
      KEYFILE: keyFile,
    });
    const seconds = (performance.now() - started) / 1000;
    const [rssKib = NaN, user = NaN, system = NaN] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    return { seconds, outBytes: statSync(output).size, cpuSeconds: user + system, maxRssMib: (rssKib * 1024) / MIB };
  } finally {
    rmSync(output, { force: true });
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** pigz is the fair multi-core baseline; install it when we may, otherwise skip its case. */
function ensurePigz(): boolean {
  if (hasCommand('pigz')) return true;
  if (process.getuid?.() !== 0) {
    console.log('pigz is not installed and we are not root: the pigz baseline is skipped');
    return false;
  }
  for (const attempt of [['install', '-y', 'pigz'], ['update'], ['install', '-y', 'pigz']]) {
    try {
      console.log(`apt-get ${attempt.join(' ')}`);
      execFileSync('apt-get', attempt, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (hasCommand('pigz')) return true;
    } catch {
      // try the next step
    }
  }
  console.log('pigz could not be installed: the pigz baseline is skipped');
  return false;
}

// ---------------------------------------------------------------- report

interface Summary {
  name: string;
  best: RunResult;
  worstRssMib?: number;
  worstLoopP99Ms?: number;
  worstLoopMaxMs?: number;
}

const fmt = (n: number | undefined, digits = 1): string => (n === undefined ? '–' : n.toFixed(digits));

function report(
  results: Map<string, Summary>,
  args: Args,
  inputBytes: number,
  loadAtStart: number[],
  idleRssMib: number,
): string {
  const mibs = (name: string): number | undefined => {
    const s = results.get(name);
    return s ? inputBytes / MIB / s.best.seconds : undefined;
  };
  const lines: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push(
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${availableParallelism()} cores ` +
      `(${cpu}), Node ${process.version}, Linux; load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}.`,
    `Input: ${args.sizeMib} MiB synthetic SQL dump (mysqldump-style extended INSERTs over four tables), read from and ` +
      `written to local disk. Throughput is input MiB/s, best of ${args.runs} interleaved runs; peak RSS and ` +
      `event-loop delay are the worst of the runs. Command: \`npx tsx bench/pipeline.bench.ts --size-mib ${args.sizeMib}\`.`,
    '',
    '| pipeline | MiB/s | CPU s | output (ratio) | peak RSS | loop delay p99 (max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, s] of results) {
    const c = CASES[name]!;
    const out = `${fmt(s.best.outBytes / MIB)} MiB (${fmt(inputBytes / s.best.outBytes, 2)}×)`;
    const rss = s.worstRssMib === undefined ? '–' : `${fmt(s.worstRssMib, 0)} MiB${c.kind === 'shell' ? ' ¹' : ''}`;
    const loop = c.kind === 'keepwatch' ? `${fmt(s.worstLoopP99Ms)} ms (${fmt(s.worstLoopMaxMs)} ms)` : '–';
    lines.push(`| ${c.label} | ${fmt(mibs(name))} | ${fmt(s.best.cpuSeconds, 1)} | ${out} | ${rss} | ${loop} |`);
  }
  lines.push(
    '',
    'CPU s: user + system CPU seconds of all processes and threads of the case (best run). ' +
      'Loop delay: how far the event loop ran late beyond its 10 ms sampling interval ' +
      '(perf_hooks.monitorEventLoopDelay). ' +
      `Keepwatch cases run under tsx; a child that only loads the modules already peaks at ${fmt(idleRssMib, 0)} MiB.`,
    '',
    '¹ largest single process of the shell pipeline (GNU time).',
    '',
  );

  const ratio = (a: string, b: string): number | undefined => {
    const x = mibs(a);
    const y = mibs(b);
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  const kw = [...results.values()].filter((s) => CASES[s.name]!.kind === 'keepwatch');
  const peakRss = Math.max(...kw.map((s) => s.worstRssMib ?? 0));
  const peakLoop = Math.max(...kw.map((s) => s.worstLoopP99Ms ?? 0));
  const targets: Array<[string, number | undefined, string, boolean | undefined]> = [];
  const addRatio = (label: string, a: string, b: string, min: number) => {
    const r = ratio(a, b);
    targets.push([
      label,
      r,
      r === undefined ? 'not measured' : `${fmt(r, 2)}×`,
      r === undefined ? undefined : r >= min,
    ]);
  };
  addRatio('gzip-6 ≥ 1.0× the pigz -6 pipeline', 'kw-gzip-6', 'pigz-6', 1.0);
  addRatio('gzip-6 ≥ 0.9× the gzip -6 pipeline (SPEC §13)', 'kw-gzip-6', 'gzip-6', 0.9);
  addRatio('zstd-3 ≥ 1.0× the zstd -3 -T0 pipeline', 'kw-zstd-3', 'zstd-3-T0', 1.0);
  addRatio('zstd-3 ≥ 0.9× the zstd -3 pipeline (SPEC §13)', 'kw-zstd-3', 'zstd-3', 0.9);
  if (kw.length > 0) {
    targets.push([
      'peak RSS < 200 MB (every Keepwatch case)',
      peakRss,
      `${fmt((peakRss * MIB) / 1e6, 0)} MB`,
      (peakRss * MIB) / 1e6 < 200,
    ]);
    targets.push(['event-loop delay p99 < 50 ms', peakLoop, `${fmt(peakLoop)} ms`, peakLoop < 50]);
  }
  lines.push('| target | measured | result |', '| --- | ---: | :---: |');
  for (const [label, , shown, pass] of targets) {
    lines.push(`| ${label} | ${shown} | ${pass === undefined ? 'SKIPPED' : pass ? 'PASS' : 'FAIL'} |`);
  }
  return lines.join('\n');
}

/** Replaces the "Backup pipeline" section of docs/benchmarks.md, keeping everything else. */
function writeDoc(body: string): void {
  const section = `## Backup pipeline\n\n${body}\n`;
  let doc = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nFigures from the scripts under `bench/` (see bench/README.md), with the machine and date.\n';
  const start = doc.search(/^## Backup pipeline[ \t]*$/m);
  if (start === -1) {
    doc = `${doc.trimEnd()}\n\n${section}`;
  } else {
    const rest = doc.slice(start + 1);
    const next = rest.search(/^## /m);
    doc = doc.slice(0, start) + section + (next === -1 ? '' : `\n${rest.slice(next)}`);
  }
  mkdirSync(dirname(DOC), { recursive: true });
  writeFileSync(DOC, doc);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runKeepwatchChild(args);

  const loadAtStart = loadavg();
  const input = ensureInput(args.sizeMib);
  const inputBytes = statSync(input).size;
  const cases = args.cases.filter((name) => {
    const c = CASES[name]!;
    if (c.kind === 'keepwatch') return true;
    if (c.tool === 'pigz') return ensurePigz();
    if (!hasCommand(c.tool)) console.log(`${c.tool} is not installed: ${name} is skipped`);
    return hasCommand(c.tool);
  });
  const keyFile = join(BENCH_DIR, 'openssl.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  // Warm the page cache so that no case pays for the first read from disk.
  execFileSync('bash', ['-c', 'cat "$IN" > /dev/null'], { env: { ...process.env, IN: input } });

  const results = new Map<string, Summary>();
  let idleRssMib = NaN;
  try {
    idleRssMib = (await runCase('idle', input, args, keyFile)).maxRssMib ?? NaN;
    for (let run = 1; run <= args.runs; run++) {
      for (const name of cases) {
        const r = await runCase(name, input, args, keyFile);
        const mibs = inputBytes / MIB / r.seconds;
        console.log(
          `run ${run} ${name.padEnd(11)} ${fmt(mibs).padStart(7)} MiB/s  cpu ${fmt(r.cpuSeconds, 2)} s` +
            `  rss ${fmt(r.maxRssMib, 0)} MiB` +
            (r.loopP99Ms === undefined ? '' : `  loop p99 ${fmt(r.loopP99Ms)} ms max ${fmt(r.loopMaxMs)} ms`),
        );
        const s = results.get(name);
        const worst = (a: number | undefined, b: number | undefined) =>
          a === undefined ? b : b === undefined ? a : Math.max(a, b);
        results.set(name, {
          name,
          best: s && s.best.seconds <= r.seconds ? s.best : r,
          worstRssMib: worst(s?.worstRssMib, r.maxRssMib),
          worstLoopP99Ms: worst(s?.worstLoopP99Ms, r.loopP99Ms),
          worstLoopMaxMs: worst(s?.worstLoopMaxMs, r.loopMaxMs),
        });
      }
    }
  } finally {
    rmSync(keyFile, { force: true });
  }
  const table = report(results, args, inputBytes, loadAtStart, idleRssMib);
  console.log(`\n${table}`);
  if (args.writeDoc) {
    writeDoc(table);
    console.log(`\nwritten to ${DOC}`);
  }
}

await main();
