import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import type { MailInput } from '../../core/mail-report.js';
import { htmlToText } from './common/html-text.js';

/** Larger messages are refused rather than decoded: report e-mails are small, and a 1 GB upload is a mistake. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** How far we look for a header line before calling the input "not an e-mail". */
const HEADER_SCAN_BYTES = 64 * 1024;

/**
 * mailparser has no cancellation; this only bounds how long a caller waits if a pathological
 * message keeps it busy (the work itself stops with the stream).
 */
const DECODE_TIMEOUT_MS = 30_000;

// RFC 5322 field-name: printable US-ASCII except ':' — then the colon.
const HEADER_FIELD = /^[!-9;-~]+:/;

function notAnEmail(reason: string): Error {
  return new Error(`message is not a readable e-mail: ${reason}`);
}

/** Drops a UTF-8 byte-order mark and blank lines some exporters put before the header block. */
function stripLeadingNoise(raw: Buffer): Buffer {
  let start = 0;
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) start = 3;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a)) start++;
  return start === 0 ? raw : raw.subarray(start);
}

/**
 * mailparser accepts anything (a JPEG becomes a message with no headers and a garbage body), so
 * this is our rule for "is this an e-mail at all": somewhere in the header block (the lines
 * before the first empty line, within the first 64 KiB) there is at least one `Name: value`
 * field line. An mbox "From " separator line is allowed before it.
 */
function assertHasHeaderBlock(raw: Buffer): void {
  if (raw.length === 0) throw notAnEmail('the input is empty');
  const head = raw.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  for (const line of head.split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l === '') break;
    if (HEADER_FIELD.test(l)) return;
  }
  throw notAnEmail('no header lines found at the start of the input');
}

/** RFC 2047 encoded words ("=?utf-8?q?B=C3=BCro?="); unknown charsets fall back to UTF-8. */
function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(
    /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g,
    (whole, charset: string, enc: string, data: string) => {
      try {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(data, 'base64')
            : Buffer.from(
                data
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
                'latin1',
              );
        const label = charset.split('*')[0] ?? 'utf-8';
        let decoder: TextDecoder;
        try {
          decoder = new TextDecoder(label);
        } catch {
          decoder = new TextDecoder('utf-8');
        }
        return decoder.decode(bytes);
      } catch {
        return whole;
      }
    },
  );
}

/** Header names lower-cased; values unfolded, decoded, and repeated headers joined with ', '. */
function collectHeaders(
  lines: ReadonlyArray<{ readonly key: string; readonly line: string }> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines ?? []) {
    if (!key) continue;
    const colon = line.indexOf(':');
    // mailsplit hands lines over as binary strings; most 8-bit headers in the wild are UTF-8.
    const rawValue = Buffer.from(colon < 0 ? '' : line.slice(colon + 1), 'latin1').toString('utf8');
    const value = decodeWords(rawValue.replace(/\r?\n[ \t]+/g, ' ').trim());
    const name = key.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function firstAddress(field: AddressObject | AddressObject[] | undefined): EmailAddress | undefined {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  for (const object of objects) {
    for (const entry of object.value ?? []) {
      // Group syntax ("Team: a@x, b@y;") nests the real addresses.
      const candidates = entry.group?.length ? entry.group : [entry];
      const found = candidates.find((c) => c.address);
      if (found) return found;
    }
  }
  return undefined;
}

/** mailparser replaces an unparseable Date header with "now"; we want null instead. */
function headerDate(lines: ReadonlyArray<{ readonly key: string; readonly line: string }> | undefined): number | null {
  const line = lines?.find((l) => l.key === 'date')?.line;
  if (!line) return null;
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(notAnEmail(`decoding took longer than ${ms / 1000}s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Decodes a raw RFC 822 message into what parsers see. Throws an Error starting with
 * "message is not a readable e-mail:" when the input is not a message (empty, no header block,
 * too large, or mailparser gives up).
 *
 * @example
 *   const mail = await decodeMail(fs.readFileSync('report.eml'));
 */
export async function decodeMail(raw: Buffer, opts?: { maxBytes?: number }): Promise<MailInput> {
  const maxBytes = opts?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (raw.length > maxBytes) throw notAnEmail(`it is ${raw.length} bytes, more than the limit of ${maxBytes}`);
  const input = stripLeadingNoise(raw);
  assertHasHeaderBlock(input);

  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await withTimeout(
      simpleParser(input, {
        // We render HTML ourselves (common/html-text.ts) and never need text→HTML or link rewriting.
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipTextLinks: true,
        skipImageLinks: true,
      }),
      DECODE_TIMEOUT_MS,
    );
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('message is not a readable e-mail')) throw err;
    throw notAnEmail(message);
  }

  const headers = collectHeaders(parsed.headerLines);
  const from = firstAddress(parsed.from);
  const to = firstAddress(parsed.to);
  const html = typeof parsed.html === 'string' && parsed.html !== '' ? parsed.html : null;
  const plain = typeof parsed.text === 'string' ? parsed.text : '';
  const text = plain.trim() === '' && html !== null ? htmlToText(html) : plain;

  return {
    from: (from?.address ?? '').toLowerCase(),
    fromName: from?.name ?? '',
    to: to?.address ?? '',
    subject: parsed.subject ?? '',
    text,
    html,
    date: headerDate(parsed.headerLines),
    headers,
    attachments: (parsed.attachments ?? []).map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType ?? 'application/octet-stream',
      content: Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0),
    })),
  };
}

/**
 * What identifies a stored message: its Message-ID (angle brackets stripped, '' when absent)
 * and the SHA-256 of the raw bytes, so a re-import of the same file is recognised even when the
 * sender set no Message-ID.
 */
export function messageIdentity(raw: Buffer, decoded: MailInput): { messageId: string; contentHash: string } {
  const header = decoded.headers['message-id'] ?? '';
  // Repeated Message-ID headers were joined with ', '; the first one is the message's.
  const first = header.split(/,\s*/)[0] ?? '';
  const messageId = first.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return { messageId, contentHash: createHash('sha256').update(raw).digest('hex') };
}
