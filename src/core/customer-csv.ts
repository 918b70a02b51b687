/**
 * Customers as CSV (RFC 4180): the export format `name,slug,active,timezone,jobs` and the
 * import format `name[,active][,timezone]`. Pure text in, rows and per-line errors out; the
 * service decides what the rows mean for the database.
 */

export interface CsvRecord {
  /** Physical line (1-based) where the record starts: what a user sees in an editor. */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * Splits CSV text into records. Quoted fields may hold commas, doubled quotes and line breaks;
 * CRLF and LF both end a record; a byte-order mark is ignored. Blank lines are skipped.
 */
export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvProblem[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const errors: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let broken: string | null = null;
    for (;;) {
      if (src[i] === '"') {
        // Quoted field: runs to the next lone quote.
        i++;
        let closed = false;
        while (i < src.length) {
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (!closed) {
          broken ??= 'a quoted field is not closed (missing ")';
          break;
        }
        if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r')
          broken ??= 'unexpected text after a closing quote (write a quote inside a quoted field as "")';
      }
      while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
        if (src[i] === '"') broken ??= 'a quote inside an unquoted field (quote the whole field and double the quote)';
        cell += src[i];
        i++;
      }
      cells.push(cell);
      cell = '';
      if (src[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // End of record: CRLF, LF or a lone CR.
    if (src[i] === '\r') i++;
    if (src[i] === '\n') i++;
    line++;
    if (broken) errors.push({ line: start, message: broken });
    else if (!(cells.length === 1 && cells[0]!.trim() === '')) records.push({ line: start, cells });
  }
  return { records, errors };
}

/** One CSV field, quoted when it holds a separator, a quote, a line break or edge spaces. */
export function csvField(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export interface CustomerCsvExportRow {
  name: string;
  slug: string;
  active: boolean;
  timezone: string | null;
  /** Number of (not deleted) jobs of the customer. */
  jobs: number;
}

export const CUSTOMER_CSV_HEADER = ['name', 'slug', 'active', 'timezone', 'jobs'] as const;

export function formatCustomerCsv(rows: readonly CustomerCsvExportRow[]): string {
  return formatCsv([
    CUSTOMER_CSV_HEADER,
    ...rows.map((r) => [r.name, r.slug, r.active ? 'true' : 'false', r.timezone ?? '', r.jobs]),
  ]);
}

export interface CustomerCsvRow {
  line: number;
  name: string;
  /** Absent when the file has no active column (or the cell is empty): keep / default. */
  active?: boolean;
  /** Absent when the file has no timezone column; null when the cell is empty (instance zone). */
  timezone?: string | null;
}

const TRUE = ['true', '1', 'yes', 'y', 'active'];
const FALSE = ['false', '0', 'no', 'n', 'inactive'];
/** Columns of the export that an import accepts and ignores, so an exported file imports as is. */
const IGNORED = ['slug', 'jobs'];
const COLUMNS = ['name', 'active', 'timezone'];

/**
 * Reads the import format. The first record is a header when its first cell is `name`; then
 * columns are taken by header (the export's `slug` and `jobs` are ignored). Without a header
 * the columns are positional: name[,active][,timezone]. Every problem is reported with its line.
 */
export function parseCustomerCsv(text: string): { rows: CustomerCsvRow[]; errors: CsvProblem[] } {
  const { records, errors } = parseCsv(text);
  const rows: CustomerCsvRow[] = [];
  let columns = COLUMNS;
  let body = records;
  const first = records[0];
  if (first && first.cells[0]!.trim().toLowerCase() === 'name') {
    columns = first.cells.map((c) => c.trim().toLowerCase());
    body = records.slice(1);
    const seen = new Set<string>();
    for (const c of columns) {
      if (!COLUMNS.includes(c) && !IGNORED.includes(c))
        errors.push({ line: first.line, message: `unknown column '${c}' (columns: name, active, timezone)` });
      else if (seen.has(c)) errors.push({ line: first.line, message: `column '${c}' appears twice` });
      seen.add(c);
    }
  }
  for (const r of body) {
    if (r.cells.length > columns.length) {
      errors.push({
        line: r.line,
        message: `${r.cells.length} fields, expected at most ${columns.length} (${columns.join(',')})`,
      });
      continue;
    }
    const row: CustomerCsvRow = { line: r.line, name: '' };
    let bad = false;
    columns.forEach((col, idx) => {
      const raw = r.cells[idx];
      if (raw === undefined) return;
      const v = raw.trim();
      if (col === 'name') row.name = v;
      else if (col === 'active' && v !== '') {
        if (TRUE.includes(v.toLowerCase())) row.active = true;
        else if (FALSE.includes(v.toLowerCase())) row.active = false;
        else {
          errors.push({ line: r.line, message: `active: '${v}' is not true or false` });
          bad = true;
        }
      } else if (col === 'timezone') row.timezone = v === '' ? null : v;
    });
    if (bad) continue;
    if (!row.name) errors.push({ line: r.line, message: 'name is empty' });
    else if (row.name.length > 200) errors.push({ line: r.line, message: 'name is longer than 200 characters' });
    else rows.push(row);
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}
