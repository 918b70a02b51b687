import { decodeEntities, LINE_BREAK_TAGS, stripNoise, tidyText } from './html-text.js';

/**
 * Reading the label/value layouts of report mails: the cells of HTML tables, "label | value"
 * rows and "Label: value" lines. Shared by the parser folders; nothing here throws on odd input.
 */

/** One HTML table as rows of cell texts (cells of nested tables belong to the nested table). */
export type TableRows = string[][];

interface OpenTable {
  rows: TableRows;
  row: string[] | null;
  cell: string[] | null;
}

/**
 * Every <table> of the document, in the order they open, each as rows of cell texts. A cell's
 * text keeps its <br>/<div> line breaks so callers can split "Status\ndetail" cells.
 */
export function htmlTables(html: string): TableRows[] {
  const tables: TableRows[] = [];
  const stack: OpenTable[] = [];
  const closeCell = (t: OpenTable): void => {
    if (t.cell && t.row) t.row.push(tidyText(decodeEntities(t.cell.join(''))));
    t.cell = null;
  };
  const closeRow = (t: OpenTable): void => {
    closeCell(t);
    if (t.row && t.row.length > 0) t.rows.push(t.row);
    t.row = null;
  };
  // A tag cannot contain '<', so a stray or unclosed '<' never makes the scan run to the end.
  const token = /<(\/?)([a-z][a-z0-9]*)\b[^<>]*>|([^<]+)|</gi;
  for (const m of stripNoise(html).matchAll(token)) {
    const current = stack[stack.length - 1];
    const name = m[2]?.toLowerCase();
    if (name === undefined) {
      // Text (or a stray "<"): it belongs to the innermost open cell, if any.
      current?.cell?.push(m[3] ?? m[0]);
      continue;
    }
    const closing = m[1] === '/';
    if (name === 'table') {
      if (!closing) {
        const rows: TableRows = [];
        tables.push(rows);
        stack.push({ rows, row: null, cell: null });
      } else if (current) {
        closeRow(current);
        stack.pop();
      }
    } else if (!current) {
      continue;
    } else if (name === 'tr') {
      closeRow(current);
      if (!closing) current.row = [];
    } else if (name === 'td' || name === 'th') {
      closeCell(current);
      if (!closing) {
        current.row ??= [];
        current.cell = [];
      }
    } else if (LINE_BREAK_TAGS.has(name)) {
      current.cell?.push('\n');
    }
  }
  while (stack.length > 0) closeRow(stack.pop() as OpenTable);
  return tables;
}

/** Lower-cased label without a trailing colon, for comparing table and text labels. */
export function labelKey(label: string): string {
  return label
    .replace(/[\s:：]+$/u, '')
    .trim()
    .toLowerCase();
}

/**
 * Label/value pairs from rows laid out as "label | value | label | value ...". A label that is
 * already known keeps its first value (summary tables come before detail tables).
 */
export function pairsFromRows(rows: TableRows, into: Map<string, string> = new Map()): Map<string, string> {
  for (const row of rows) {
    for (let i = 0; i + 1 < row.length; i += 2) {
      const key = labelKey(row[i] ?? '');
      if (key !== '' && !into.has(key)) into.set(key, row[i + 1] ?? '');
    }
  }
  return into;
}

/**
 * "Label: value" lines of a text. Continuation lines (indented, or without a label) are appended to
 * the previous value, which is how PowerShell's Format-List and most plain-text reports wrap.
 */
export function labelledLines(
  text: string,
  separator: RegExp = /^[ \t]*([^:\n]{1,60}?)[ \t]*:[ \t]?(.*)$/,
): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') {
      last = null;
      continue;
    }
    const m = /^\s{2,}/.test(raw) && last !== null ? null : separator.exec(raw);
    if (m && m[1] !== undefined) {
      const key = labelKey(m[1]);
      last = out.has(key) ? null : key;
      if (last !== null) out.set(last, (m[2] ?? '').trim());
    } else if (last !== null) {
      out.set(last, `${out.get(last) ?? ''} ${raw.trim()}`.trim());
    }
  }
  return out;
}

/** The first value among several label spellings (e.g. English and German). */
export function pick(values: Map<string, string>, ...labels: string[]): string | null {
  for (const label of labels) {
    const v = values.get(label.toLowerCase());
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return null;
}
