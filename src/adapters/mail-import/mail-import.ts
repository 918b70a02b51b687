/**
 * The contract between Keepwatch's mail service and the places backup reports arrive: pull
 * sources (an IMAP mailbox, a Microsoft 365 mailbox through Graph) and the built-in SMTP
 * receiver that other software can send to directly. Adapters only move raw messages; parsing
 * and matching them to jobs is the service layer's business.
 */

/** Messages bigger than this are not downloaded unless the caller passes its own limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface FetchedMail {
  /**
   * Identifies the message in its source, stable across connections and restarts, so the caller
   * can remember what it already stored. IMAP: `"<uidValidity>:<uid>"`; Graph: the immutable
   * message id. Opaque to the caller; pass it back to `markProcessed`.
   */
  ref: string;
  /** The complete RFC 5322 message; empty when `tooLarge` is set. */
  raw: Buffer;
  /** When the server received the message (epoch ms), null when it does not say. */
  receivedAt: number | null;
  /**
   * Set when the message is bigger than `maxMessageBytes`: its size in bytes (IMAP: the exact
   * RFC822.SIZE; Graph: Content-Length, or the bytes read before giving up, so at least the
   * limit). The body is not downloaded; the caller should record a placeholder with the reason
   * and still `markProcessed` it, or it will come back on every fetch.
   */
  tooLarge?: number;
}

/**
 * A pull source (IMAP mailbox, Graph mailbox), opened with credentials and kept until `close()`.
 * Delivery is at least once: a message fetched but not yet marked processed (say the process
 * crashed in between) is fetched again, with the same `ref`.
 *
 * @example
 *   const adapter = await loadMailSourceAdapter('imap');
 *   const source = await adapter.open(config, { password }, { maxMessageBytes: 10_000_000 });
 *   try {
 *     for (let batch = await source.fetch(50); batch.length > 0; batch = await source.fetch(50)) {
 *       for (const mail of batch) await store(mail); // the caller's own, idempotent by ref
 *       await source.markProcessed(batch.map((m) => m.ref));
 *     }
 *   } finally {
 *     await source.close();
 *   }
 */
export interface MailSource {
  /** Up to `limit` messages still waiting in the source folder, oldest first. */
  fetch(limit: number): Promise<FetchedMail[]>;
  /** Moves these messages to the processed folder (creating it if needed). Idempotent. */
  markProcessed(refs: string[]): Promise<void>;
  /** Checks that we can log in and open the folder; resolves with a human message. */
  test(): Promise<string>;
  close(): Promise<void>;
}

export interface MailSourceOpenOptions {
  /** Larger messages come back with `tooLarge` and an empty `raw`. Default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /** Aborting closes the connection; calls in flight reject. */
  signal?: AbortSignal;
}

/**
 * A kind of pull source. `open` validates the config itself (the same rules as
 * `validateMailImporterConfig`) and throws an Error that names the problem, never a secret.
 */
export interface MailSourceAdapter<C = Record<string, unknown>> {
  kind: 'imap' | 'graph';
  open(config: C, secrets: Record<string, string>, opts?: MailSourceOpenOptions): Promise<MailSource>;
}

export interface SmtpReceiverOptions {
  /** Address to listen on ("127.0.0.1", "0.0.0.0", "::"). */
  host: string;
  /** 0 picks a free port; `SmtpReceiver.port` reports the real one. */
  port: number;
  /** When set, senders must AUTH (PLAIN or LOGIN) with this user and `password`. */
  username?: string;
  password?: string;
  /** Advertised with SIZE; bigger messages are refused with 552 and never reach onMessage. */
  maxSizeBytes: number;
  /**
   * Stores one message. The sender gets 250 only after this resolves; if it rejects, the
   * sender gets 451 (a temporary failure) and keeps the message to retry later.
   */
  onMessage(raw: Buffer, envelope: { from: string; to: string[] }): Promise<void>;
  logger?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface SmtpReceiver {
  port: number;
  close(): Promise<void>;
}
