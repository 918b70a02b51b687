import { describe, expect, it } from 'vitest';
import { htmlTables, labelledLines } from './html-tables.js';

describe('htmlTables and labelledLines', () => {
  it('keeps nested tables apart and decodes entities', () => {
    const tables = htmlTables(
      '<table><tr><td>Outer &amp; top<table><tr><td>Inner&nbsp;A</td><td>B<br>C</td></tr></table></td></tr></table>',
    );
    expect(tables).toEqual([[['Outer & top']], [['Inner A', 'B\nC']]]);
  });

  it('reads Format-List style labelled lines with continuations', () => {
    const values = labelledLines('Id      : 5\nMessage : The backup failed\n          because of X.\n');
    expect(values.get('id')).toBe('5');
    expect(values.get('message')).toBe('The backup failed because of X.');
  });
});
