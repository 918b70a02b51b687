import type { MailInput } from '../../../core/mail-report.js';

/**
 * HTML → text for report e-mails, without a DOM library (the mails are machine-made, so a small
 * tokenizer is enough and keeps the parsers free of heavy dependencies). Nothing here throws on
 * odd input and nothing backtracks over the whole document, so hostile or truncated markup costs
 * linear time and can never hang the import.
 *
 * There are two renderings on purpose, because they serve different readers and the tests (and
 * the fixtures' parse results) depend on each one's exact output:
 *
 * - `htmlToText` keeps the layout a person would see: paragraphs are separated by a blank line,
 *   `<pre>` keeps its spacing, whitespace between table cells never splits a row, `<head>`,
 *   `<noscript>`, `<svg>`… are dropped even when unclosed, and `>` inside quoted attributes is
 *   honoured. decodeMail uses it for `MailInput.text` of HTML-only messages (docs/parsers.md).
 * - `htmlToTidyText` is what the table-report parsers (Veeam, NAKIVO, Synology, Acronis, Windows
 *   Server Backup) read: one trimmed line per block, no blank lines, and the report kept after a
 *   `<head>` that is never closed. Their label/value readers (labelledLines) and the Veeam layout
 *   rely on that shape. Even tidied, htmlToText's output differs from it on every Veeam fixture
 *   (cells split by a line break in the markup, unclosed tags…), so one cannot replace the other.
 *
 * Both share one entity decoder.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwnj: '',
  zwj: '',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  micro: 'µ',
  middot: '·',
  bull: '•',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  iexcl: '¡',
  iquest: '¿',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  check: '✓',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  atilde: 'ã',
  aring: 'å',
  aelig: 'æ',
  ccedil: 'ç',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  iacute: 'í',
  igrave: 'ì',
  icirc: 'î',
  iuml: 'ï',
  ntilde: 'ñ',
  oacute: 'ó',
  ograve: 'ò',
  ocirc: 'ô',
  otilde: 'õ',
  oslash: 'ø',
  oelig: 'œ',
  uacute: 'ú',
  ugrave: 'ù',
  ucirc: 'û',
  yacute: 'ý',
  yuml: 'ÿ',
  Aacute: 'Á',
  Agrave: 'À',
  Acirc: 'Â',
  Atilde: 'Ã',
  Aring: 'Å',
  AElig: 'Æ',
  Ccedil: 'Ç',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  Euml: 'Ë',
  Iacute: 'Í',
  Igrave: 'Ì',
  Icirc: 'Î',
  Iuml: 'Ï',
  Ntilde: 'Ñ',
  Oacute: 'Ó',
  Ograve: 'Ò',
  Ocirc: 'Ô',
  Otilde: 'Õ',
  Oslash: 'Ø',
  OElig: 'Œ',
  Uacute: 'Ú',
  Ugrave: 'Ù',
  Ucirc: 'Û',
  Yacute: 'Ý',
};

/** Elements whose content is never text for a reader. */
const DROPPED = new Set(['script', 'style', 'title', 'template', 'noscript', 'head', 'svg', 'object', 'iframe']);

/** Elements that start and end on their own line. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);

const CELL = new Set(['td', 'th']);

function codePoint(n: number): string {
  // Surrogates, out-of-range values and NUL are what a hostile message would use; render them as
  // the replacement character instead of throwing from String.fromCodePoint.
  if (!Number.isFinite(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(n);
}

/** Decodes named (a common subset) and numeric character references; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return codePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return codePoint(parseInt(ref.slice(1), 10));
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

const TAG_NAME = /\/?([A-Za-z][A-Za-z0-9:-]*)/y;

/** Index just past the `>` that closes the tag opened at `start`, honouring quoted attribute values. */
function tagEnd(html: string, start: number): number {
  let quote: string | null = null;
  for (let i = start; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i + 1;
    }
  }
  return html.length;
}

/**
 * The layout-keeping rendering (see the module comment): what decodeMail puts in MailInput.text
 * for a message that only has HTML. Never throws.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  // What the last emitted character was, so breaks and separators are not repeated.
  let last = '\n';
  let preDepth = 0;
  // Collapsed whitespace between two pieces of text; dropped when a line break or cell comes next.
  let pendingSpace = false;

  const emit = (s: string): void => {
    if (!s) return;
    out.push(s);
    last = s[s.length - 1] ?? last;
  };
  const structural = (s: string): void => {
    pendingSpace = false;
    emit(s);
  };
  const newline = (): void => {
    pendingSpace = false;
    if (last !== '\n') emit('\n');
  };
  const text = (raw: string): void => {
    if (preDepth > 0) {
      pendingSpace = false;
      emit(decodeEntities(raw));
      return;
    }
    let s = raw.replace(/[ \t\r\n\f]+/g, ' ');
    if (s.startsWith(' ')) {
      pendingSpace = true;
      s = s.slice(1);
    }
    if (!s) return;
    const trailing = s.endsWith(' ');
    if (trailing) s = s.slice(0, -1);
    if (pendingSpace && last !== '\n' && last !== '\t' && last !== ' ') emit(' ');
    emit(decodeEntities(s));
    pendingSpace = trailing;
  };

  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(html.slice(i));
      break;
    }
    if (lt > i) text(html.slice(i, lt));

    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      i = tagEnd(html, lt + 2);
      continue;
    }
    TAG_NAME.lastIndex = lt + 1;
    const m = TAG_NAME.exec(html);
    if (!m) {
      // "a < b" in sloppy HTML is text, not a tag.
      text('<');
      i = lt + 1;
      continue;
    }
    const closing = m[0].startsWith('/');
    const name = (m[1] ?? '').toLowerCase();
    const end = tagEnd(html, lt + 1 + m[0].length);
    const selfClosing = html[end - 2] === '/';
    i = end;

    if (!closing && DROPPED.has(name) && !selfClosing) {
      // Skip to the matching end tag; a sticky-free search from here keeps this linear overall.
      const closeRe = new RegExp(`</${name}\\s*>`, 'gi');
      closeRe.lastIndex = i;
      const close = closeRe.exec(html);
      i = close ? close.index + close[0].length : html.length;
      continue;
    }
    if (name === 'br') {
      structural('\n');
    } else if (CELL.has(name)) {
      if (!closing && last !== '\n' && last !== '\t') structural('\t');
    } else if (BLOCK.has(name)) {
      newline();
      if (name === 'pre') preDepth = closing ? Math.max(0, preDepth - 1) : preDepth + 1;
      else if (name === 'p' && closing) structural('\n');
    }
  }

  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Collapses spaces inside each line, trims lines and drops empty ones (NBSP counts as a space).
 * Tabs survive, one per gap, because htmlToTidyText uses them to separate table cells.
 */
export function tidyText(text: string): string {
  return text
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(/[ \f\v]+/g, ' ')
        .replace(/ ?\t[ \t]*/g, '\t')
        .trim(),
    )
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * Removes the parts of a document that are never report content: comments, <head>, <style>,
 * <script>, <title> and the doctype. A forward scan with indexOf, so an unclosed comment or
 * <style> costs linear time (the rest of the document is dropped) instead of a regex backtrack.
 */
export function stripNoise(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    const block = /^<(head|style|script|title)(?![a-z0-9])/.exec(lower.slice(lt, lt + 10))?.[1];
    let end: number;
    if (lower.startsWith('<!--', lt)) {
      end = lower.indexOf('-->', lt + 4);
      end = end < 0 ? html.length : end + 3;
    } else if (block) {
      const close = lower.indexOf(`</${block}`, lt);
      if (close < 0 && (block === 'head' || block === 'title')) {
        // Broken markup without </head>: drop only the tag, the report may follow.
        const gt = lower.indexOf('>', lt);
        end = gt < 0 ? html.length : gt + 1;
      } else {
        const gt = close < 0 ? -1 : lower.indexOf('>', close);
        end = gt < 0 ? html.length : gt + 1;
      }
    } else if (lower.startsWith('<!doctype', lt)) {
      const gt = lower.indexOf('>', lt);
      end = gt < 0 ? html.length : gt + 1;
    } else {
      out.push('<');
      i = lt + 1;
      continue;
    }
    out.push(' ');
    i = end;
  }
  return out.join('');
}

/** The elements that end a line in htmlToTidyText and in the cells of htmlTables. */
export const LINE_BREAK_TAGS: ReadonlySet<string> = new Set([
  'p',
  'div',
  'br',
  'tr',
  'table',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
]);

/**
 * The compact rendering of report HTML that the parsers read (see the module comment): block
 * elements end lines, table cells are separated by a tab, so "Label: value" and
 * "Label<td>value" both end up on one line; then tidyText, so there are no blank lines.
 */
export function htmlToTidyText(html: string): string {
  const marked = stripNoise(html).replace(/<(\/?)([a-z][a-z0-9]*)\b[^<>]*>/gi, (_tag, _slash: string, name: string) => {
    const tag = name.toLowerCase();
    if (tag === 'td' || tag === 'th') return '\t';
    return LINE_BREAK_TAGS.has(tag) ? '\n' : '';
  });
  return tidyText(decodeEntities(marked.replace(/<[^<>]*>/g, '')));
}

/**
 * A report body as lines of text: the tidy rendering of the HTML part when there is one (products
 * put values on <br> lines and in table cells), otherwise the plain-text part.
 */
export function reportBodyText(mail: MailInput): string {
  return mail.html ? htmlToTidyText(mail.html) : mail.text;
}
