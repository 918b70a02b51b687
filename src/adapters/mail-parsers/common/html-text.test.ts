import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, htmlToTidyText } from './html-text.js';

describe('htmlToText', () => {
  it('drops scripts, styles, comments and the head', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body>' +
      '<!-- hidden --><script>alert("x")</script><p>Visible</p><noscript>no</noscript></body></html>';
    expect(htmlToText(html)).toBe('Visible');
  });

  it('turns paragraphs, divs and <br> into line breaks', () => {
    expect(htmlToText('<p>one</p><p>two</p><div>three<br>four</div>')).toBe('one\n\ntwo\n\nthree\nfour');
  });

  it('puts table cells on one line separated by tabs, one row per line', () => {
    const html = '<table><tr><th>VMID</th> <th>Status</th></tr>\n<tr><td>100</td>\n  <td>ok</td></tr></table>';
    expect(htmlToText(html)).toBe('VMID\tStatus\n100\tok');
  });

  it('collapses layout whitespace but keeps <pre> as written', () => {
    expect(htmlToText('<p>  a\n   b  </p><pre>x  y\n  z</pre>')).toBe('a b\n\nx  y\n  z');
  });

  it('decodes entities in text', () => {
    expect(htmlToText('Gravit&eacute;&nbsp;: &laquo;B&uuml;ro&raquo; &amp; &#x1F600; &#8364; &lt;tag&gt;')).toBe(
      'Gravité : «Büro» & 😀 € <tag>',
    );
  });

  it('keeps a stray "<" that does not start a tag', () => {
    expect(htmlToText('<p>1 < 2 and 3 <4</p>')).toBe('1 < 2 and 3 <4');
  });

  it('ignores ">" inside quoted attribute values', () => {
    expect(htmlToText('<a title="a>b" href=\'x>y\'>link</a> text')).toBe('link text');
  });

  it('survives unterminated markup', () => {
    expect(htmlToText('<p>start<script>never closed')).toBe('start');
    expect(htmlToText('text <!-- open comment')).toBe('text');
    expect(htmlToText('<td style="x')).toBe('');
  });

  it('never throws and stays linear on hostile input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        expect(typeof htmlToText(s)).toBe('string');
      }),
      { numRuns: 300 },
    );
    const hostile = '<script>'.repeat(20_000) + '<p '.repeat(20_000) + '&#'.repeat(20_000);
    const started = performance.now();
    htmlToText(hostile);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('decodeEntities', () => {
  it('leaves unknown and malformed references alone, replaces invalid code points', () => {
    expect(decodeEntities('&unknown; &#xD800; &#0; &#99999999;')).toBe('&unknown; \uFFFD \uFFFD \uFFFD');
  });
});

describe('htmlToTidyText', () => {
  it('keeps the report when <head> is never closed, drops an unclosed <style>', () => {
    expect(htmlToTidyText('<html><head><meta charset="utf-8"><p>Backup job: X</p>')).toBe('Backup job: X');
    expect(htmlToTidyText('<p>Before</p><style>p { color: red }')).toBe('Before');
    expect(htmlToTidyText('<p>A</p><!-- unclosed comment <p>B</p>')).toBe('A');
  });

  it('renders text with one line per row and tab-separated cells', () => {
    expect(
      htmlToTidyText('<style>x{}</style><p>Dear user,</p><table><tr><td>Start:</td><td>10:00</td></tr></table>'),
    ).toBe('Dear user,\nStart:\t10:00');
  });
});
