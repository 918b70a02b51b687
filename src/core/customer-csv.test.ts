import { describe, expect, it } from 'vitest';
import { csvField, formatCustomerCsv, parseCsv, parseCustomerCsv } from './customer-csv.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and LF', () => {
    const { records, errors } = parseCsv('a,"b, c","say ""hi"""\r\n"multi\nline",x,\n\nlast');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b, c', 'say "hi"'] },
      { line: 2, cells: ['multi\nline', 'x', ''] },
      { line: 5, cells: ['last'] },
    ]);
  });

  it('ignores a byte-order mark and a trailing newline', () => {
    expect(parseCsv('\ufeffname\r\n').records).toEqual([{ line: 1, cells: ['name'] }]);
  });

  it('names the line of an unclosed quote and of text after a closing quote', () => {
    expect(parseCsv('ok\n"bad"x,1\nfine').errors).toEqual([
      { line: 2, message: expect.stringContaining('after a closing quote') },
    ]);
    expect(parseCsv('ok\nbad "quote"\n').errors).toEqual([
      { line: 2, message: expect.stringContaining('quote inside an unquoted field') },
    ]);
    expect(parseCsv('a\n"never closed\nmore').errors).toEqual([
      { line: 2, message: expect.stringContaining('not closed') },
    ]);
  });
});

describe('customer CSV', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvField(null)).toBe('');
  });

  it('an exported file imports back to the same names, flags and zones', () => {
    const csv = formatCustomerCsv([
      { name: 'Müller, Söhne & Co', slug: 'muller-sohne-co', active: true, timezone: 'Europe/Berlin', jobs: 3 },
      { name: 'The "Quoted" One', slug: 'the-quoted-one', active: false, timezone: null, jobs: 0 },
    ]);
    expect(csv.split('\r\n')[0]).toBe('name,slug,active,timezone,jobs');
    expect(csv).toContain('"Müller, Söhne & Co",muller-sohne-co,true,Europe/Berlin,3\r\n');
    const { rows, errors } = parseCustomerCsv(csv);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, name: 'Müller, Söhne & Co', active: true, timezone: 'Europe/Berlin' },
      { line: 3, name: 'The "Quoted" One', active: false, timezone: null },
    ]);
  });

  it('reads positional columns without a header; absent columns stay absent', () => {
    const { rows, errors } = parseCustomerCsv('Acme\nBeta,no\nGamma,yes,UTC\n');
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 1, name: 'Acme' },
      { line: 2, name: 'Beta', active: false },
      { line: 3, name: 'Gamma', active: true, timezone: 'UTC' },
    ]);
  });

  it('reports every bad line with its number', () => {
    const { rows, errors } = parseCustomerCsv('name,active\nok,true\n,true\nx,maybe\ny,true,extra\n');
    expect(rows.map((r) => r.name)).toEqual(['ok']);
    expect(errors).toEqual([
      { line: 3, message: 'name is empty' },
      { line: 4, message: "active: 'maybe' is not true or false" },
      { line: 5, message: expect.stringContaining('3 fields, expected at most 2') },
    ]);
  });

  it('refuses unknown header columns', () => {
    expect(parseCustomerCsv('name,colour\nA,red').errors).toEqual([
      { line: 1, message: "unknown column 'colour' (columns: name, active, timezone)" },
    ]);
  });
});
