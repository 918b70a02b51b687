import { Box, Text } from '@mantine/core';
import { useMemo } from 'react';

/**
 * The policy inside every rendered e-mail: nothing may load (no scripts, frames, fonts, remote
 * images or style sheets); only the message's own inline styles and data: images show.
 */
export const MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Elements that never belong in a rendered report: active content, loaders, forms, refreshes. */
const DROPPED =
  'script,noscript,iframe,frame,frameset,object,embed,applet,link,meta,base,form,input,button,textarea,select,' +
  'option,audio,video,source,track,picture,svg,math,template,portal,dialog';

/** Attributes that load or navigate: removed wherever they appear. */
const URL_ATTRIBUTES = [
  'srcset',
  'background',
  'poster',
  'action',
  'formaction',
  'ping',
  'xlink:href',
  'lowsrc',
  'dynsrc',
];

const BASE_STYLE =
  'html,body{margin:0;background:#fff;color:#111}' +
  'body{padding:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;' +
  'overflow-wrap:anywhere}table{max-width:100%}img{max-width:100%;height:auto}';

/**
 * Removes what the server's sanitiser should already have removed (defence in depth): active
 * elements, event handlers, remote sources and link targets (a link's address stays readable as
 * its title). Works on an inert document (DOMParser loads nothing and runs nothing).
 */
export function scrubMailHtml(html: string): { head: string; body: string } {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of Array.from(doc.querySelectorAll(DROPPED))) el.remove();
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || URL_ATTRIBUTES.includes(name)) el.removeAttribute(attr.name);
      else if (name === 'src' && !/^\s*data:image\//i.test(attr.value)) el.removeAttribute(attr.name);
      else if (name === 'href') {
        if (!el.getAttribute('title') && /^\s*(https?|mailto):/i.test(attr.value)) el.setAttribute('title', attr.value);
        el.removeAttribute(attr.name);
      } else if (name === 'target' || name === 'http-equiv') el.removeAttribute(attr.name);
    }
  }
  const styles = Array.from(doc.head.querySelectorAll('style'))
    .map((s) => `<style>${s.textContent ?? ''}</style>`)
    .join('');
  return { head: styles, body: doc.body.innerHTML };
}

/**
 * The complete document given to the sandboxed frame: the Content-Security-Policy comes first,
 * so it is in force before any of the message's markup is read.
 */
export function buildMailSrcDoc(html: string): string {
  const { head, body } = scrubMailHtml(html);
  return (
    '<!DOCTYPE html><html><head>' +
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">` +
    '<meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<style>${BASE_STYLE}</style>${head}</head><body>${body}</body></html>`
  );
}

/**
 * A report e-mail's body, shown safely: HTML in a frame sandboxed without scripts and without
 * its own origin (sandbox=""), under a CSP that loads nothing; plain text in a <pre>.
 */
export function SafeMailBody({
  html,
  text,
  title = 'E-mail body',
  height = 480,
}: {
  html: string | null | undefined;
  text: string | null | undefined;
  title?: string;
  height?: number;
}) {
  const srcDoc = useMemo(() => (html ? buildMailSrcDoc(html) : null), [html]);
  if (srcDoc)
    return (
      <iframe
        title={title}
        sandbox=""
        srcDoc={srcDoc}
        referrerPolicy="no-referrer"
        data-testid="mail-body-frame"
        style={{
          display: 'block',
          width: '100%',
          height,
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
          background: '#fff',
          resize: 'vertical',
        }}
      />
    );
  if (text)
    return (
      <Box
        component="pre"
        aria-label={title}
        m={0}
        p="sm"
        fz="sm"
        style={{
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
          maxHeight: height,
          overflow: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-sm)',
        }}
      >
        {text}
      </Box>
    );
  return (
    <Text c="dimmed" size="sm">
      This message has no body.
    </Text>
  );
}
