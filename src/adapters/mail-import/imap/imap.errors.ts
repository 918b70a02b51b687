import type { ImapFlowError } from 'imapflow';
import type { ImapConfig } from './imap.config.js';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
]);

/**
 * Turns what imapflow throws ("Command failed" with the useful part in side properties) into an
 * Error that says what went wrong and where. `doing` is the step, e.g. 'open folder "INBOX"';
 * `folder` the folder it concerned, if any.
 * Passwords never appear: imapflow does not put them in errors and we never add them.
 */
export function describeImapError(err: unknown, config: ImapConfig, doing: string, folder?: string): Error {
  const e = err as ImapFlowError;
  const where = `${config.host}:${config.port}`;
  const server = (e.responseText ?? '').trim();
  let message: string;
  if (e.authenticationFailed) {
    message = `IMAP login to ${where} as "${config.username}" failed${server ? `: ${server}` : ''}`;
  } else if (
    e.mailboxMissing ||
    e.serverResponseCode === 'NONEXISTENT' ||
    /doesn't exist|does not exist/i.test(`${server} ${e.message}`)
  ) {
    // SELECT failures carry mailboxMissing; STATUS failures only say it in words (or a code).
    message = `IMAP folder "${e.path ?? folder ?? config.folder}" does not exist for "${config.username}" on ${where}`;
  } else if (e.tlsFailed || /certificate|SSL|TLS/i.test(e.message ?? '')) {
    message = `TLS with IMAP server ${where} failed: ${e.message}`;
  } else if (e.code && UNREACHABLE.has(e.code)) {
    message = `cannot reach IMAP server ${where}: ${e.message}`;
  } else {
    message = `IMAP ${doing} on ${where} failed: ${server || e.message || String(err)}`;
  }
  return new Error(message, { cause: err });
}
