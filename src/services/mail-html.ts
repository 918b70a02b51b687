import sanitizeHtml from 'sanitize-html';

/**
 * Report e-mails are written by third-party software and arrive from anywhere, so their HTML is
 * untrusted. What the Inbox shows keeps the report's layout (tables, colours, emphasis) and
 * nothing that runs or reaches the network: no scripts, no event handlers, no stylesheets, no
 * remote or embedded images (an image becomes its alt text), no link targets, and inline
 * styles only from a list of layout properties whose values cannot load anything.
 */

const SAFE_VALUE =
  /^(?!.*(?:url|expression|image-set|image|element|paint|var|attr)\s*\()(?!.*[\\@<>])[-#%.,\w\s()'"/!+]*$/i;

const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-weight',
  'font-style',
  'font-size',
  'font-family',
  'text-align',
  'text-decoration',
  'vertical-align',
  'white-space',
  'line-height',
  'width',
  'height',
  'min-width',
  'max-width',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-width',
  'border-style',
  'border-collapse',
  'border-spacing',
  'display',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'a' && t !== 'img'),
    'a',
    'span',
    'font',
    'center',
    'b',
    'i',
    'u',
    's',
    'strike',
  ],
  // Table layout attributes only; none of them can carry a URL.
  allowedAttributes: {
    '*': ['style', 'align', 'valign', 'width', 'height', 'title', 'dir', 'lang'],
    table: ['border', 'cellpadding', 'cellspacing', 'bgcolor'],
    tr: ['bgcolor'],
    td: ['colspan', 'rowspan', 'bgcolor', 'nowrap'],
    th: ['colspan', 'rowspan', 'bgcolor', 'nowrap', 'scope'],
    font: ['color', 'size', 'face'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'type'],
  },
  allowedSchemes: [],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [SAFE_VALUE]])) },
  // Content of these is dropped together with the tag (sanitize-html default plus head/title).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'object', 'iframe'],
  transformTags: {
    // An image would load from the sender's server (tracking) or carry data: payloads.
    img: (_tag, attribs) => ({ tagName: 'span', attribs: {}, text: attribs.alt ? `[${attribs.alt}]` : '' }),
    // Links stay readable as text; their target is dropped (nothing to click through to).
    a: () => ({ tagName: 'span', attribs: {} }),
  },
};

/** The HTML body safe to show inside the web UI (null stays null). */
export function sanitizeMailHtml(html: string | null): string | null {
  if (html === null) return null;
  return sanitizeHtml(html, OPTIONS);
}
