/**
 * The benchmark's input: a synthetic, deterministic SQL dump in the shape mysqldump writes
 * (extended INSERTs over four tables with names, e-mails, UUIDs, amounts, timestamps, JSON
 * and free text), so compressors see realistic redundancy rather than one repeated line.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MIB = 1024 * 1024;

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

const FIRST =
  'Anna Bruno Chloé David Emma Farid Giulia Hugo Inès Jonas Karin Léo Maria Noah Olga Paul Quentin Rosa Sven Tomás Ursula Victor Wen Yusuf Zoé'.split(
    ' ',
  );
const LAST =
  "Martin Bernard Dubois Müller Schmidt Rossi García Novak O''Neil Kowalski Jensen Silva Nguyen Smith Lefèvre Fischer Costa Horvath Andersson Petit".split(
    ' ',
  );
const CITIES =
  'Paris Lyon Berlin München Madrid Lisboa Roma Wien Praha Warszawa Amsterdam Bruxelles Zürich Genève København Oslo Dublin Porto Milano Lille'.split(
    ' ',
  );
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

/**
 * Writes (or reuses) a deterministic SQL dump of exactly `sizeMib` MiB in `dir`. The file
 * name carries a version: change it whenever the generator's output changes.
 */
export function ensureDump(dir: string, sizeMib: number): string {
  const path = join(dir, `dump-v1-${sizeMib}mib.sql`);
  const size = sizeMib * MIB;
  if (existsSync(path) && statSync(path).size === size) return path;
  mkdirSync(dir, { recursive: true });
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
