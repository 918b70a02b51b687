// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"handleDisabledFileLoadingAsSuccess":true,"disableIframePageLoading":true,"disableCSSFileLoading":true}}
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildMailSrcDoc, MAIL_CSP, SafeMailBody, scrubMailHtml } from '../../web/src/components/SafeMailBody.js';

afterEach(cleanup);

const HOSTILE = `<html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<style>td { color: red }</style>
<script>parent.alert(1)</script>
</head><body onload="alert(2)">
<h1>Backup job: Nightly</h1>
<img src="https://tracker.example/pixel.png" alt="pixel" srcset="https://tracker.example/2x.png 2x">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
<a href="https://portal.example/job/1" onclick="steal()">details</a>
<table background="https://evil.example/bg.png"><tr><td>Success</td></tr></table>
<iframe src="https://evil.example/frame"></iframe>
<form action="https://evil.example/post"><input name="x"></form>
<svg><image href="https://evil.example/svg.png"/></svg>
</body></html>`;

describe('SafeMailBody', () => {
  it('puts the Content-Security-Policy first in the document, before any of the message', () => {
    const doc = buildMailSrcDoc('<p>Hello</p>');
    expect(MAIL_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(
      doc.startsWith(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">`),
    ).toBe(true);
    expect(doc).toContain('<meta name="referrer" content="no-referrer">');
    expect(doc).toContain('<body><p>Hello</p></body>');
  });

  it('removes what loads, runs or navigates, and keeps the report readable', () => {
    // happy-dom (unlike a browser) tries to load the frame of a parsed document, and says so.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { head, body } = scrubMailHtml(HOSTILE);
    quiet.mockRestore();
    const all = head + body;
    for (const bad of ['<script', '<meta', '<base', '<link', '<iframe', '<form', '<input', '<svg', 'onload', 'onclick'])
      expect(all, bad).not.toContain(bad);
    expect(all).not.toMatch(/https:\/\/(tracker|evil)\.example/);
    // The link's address stays readable (as a title) but is no longer followed.
    expect(body).toMatch(/<a title="https:\/\/portal\.example\/job\/1">details<\/a>/);
    expect(body).toContain('<h1>Backup job: Nightly</h1>');
    expect(body).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(body).toContain('<td>Success</td>');
    // The message's own styles are kept (the CSP allows inline styles only).
    expect(head).toBe('<style>td { color: red }</style>');
  });

  it('renders HTML in a frame sandboxed without scripts or origin, and text in a <pre>', () => {
    const { container, rerender } = render(
      h(MantineProvider, null, h(SafeMailBody, { html: '<b>Report</b>', text: 'Report', title: 'E-mail body' })),
    );
    const frame = container.querySelector('iframe')!;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('title')).toBe('E-mail body');
    expect(frame.getAttribute('srcdoc')).toContain(MAIL_CSP);
    expect(frame.getAttribute('srcdoc')).toContain('<b>Report</b>');
    expect(frame.getAttribute('src')).toBeNull();

    rerender(h(MantineProvider, null, h(SafeMailBody, { html: null, text: '<b>not markup</b>\nline 2' })));
    expect(container.querySelector('iframe')).toBeNull();
    const pre = container.querySelector('pre')!;
    expect(pre.textContent).toBe('<b>not markup</b>\nline 2');
    expect(pre.querySelector('b')).toBeNull();

    rerender(h(MantineProvider, null, h(SafeMailBody, { html: null, text: null })));
    expect(screen.getByText('This message has no body.')).toBeTruthy();
  });
});
