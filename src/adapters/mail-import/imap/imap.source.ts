import { ImapFlow, type FetchMessageObject, type ImapFlowOptions } from 'imapflow';
import { isLoopbackHost } from '../config.fields.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type FetchedMail,
  type MailSource,
  type MailSourceAdapter,
  type MailSourceOpenOptions,
} from '../mail-import.js';
import { parseImapConfig, type ImapConfig } from './imap.config.js';
import { describeImapError } from './imap.errors.js';

/** Connect, greeting and TLS; a report mailbox that takes longer is as good as down. */
const CONNECT_TIMEOUT_MS = 30_000;
/** Keeps UID sets in one command well under the line lengths servers accept. */
const UIDS_PER_COMMAND = 500;

function clientOptions(config: ImapConfig, password: string): ImapFlowOptions {
  return {
    host: config.host,
    port: config.port,
    secure: config.tls,
    // Plain connections must upgrade (a network attacker could otherwise read the password),
    // except on loopback, where nothing leaves the machine. See ImapConfig.tls.
    doSTARTTLS: config.tls ? undefined : !isLoopbackHost(config.host),
    auth: { user: config.username, pass: password },
    tls: { rejectUnauthorized: !config.allowInvalidCertificate },
    logger: false,
    // We poll on a schedule; IDLE would only keep a connection busy between polls.
    disableAutoIdle: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    clientInfo: { name: 'Keepwatch' },
  };
}

function parseRef(ref: string): { validity: string; uid: number } {
  const m = /^(\d+):(\d+)$/.exec(ref);
  if (!m) throw new Error(`not an IMAP message reference: "${ref}"`);
  return { validity: m[1]!, uid: Number(m[2]) };
}

const CONNECTION_LOST = new Set(['NoConnection', 'EConnectionClosed', 'ECONNRESET', 'EPIPE', 'ETIMEOUT']);

function isConnectionLost(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code && CONNECTION_LOST.has(e.code)) return true;
  }
  return false;
}

/** A connection the server closed mid-poll is lost (and retried), never read as an empty folder. */
function assertUsable(client: ImapFlow): void {
  if (!client.usable)
    throw Object.assign(new Error('the IMAP connection closed during the fetch'), { code: 'NoConnection' });
}

function toMs(date: Date | string | undefined): number | null {
  if (date === undefined) return null;
  const ms = new Date(date).getTime();
  return Number.isFinite(ms) ? ms : null;
}

class ImapSource implements MailSource {
  private client: ImapFlow | null = null;
  private processedReady = false;
  private closed = false;

  constructor(
    private readonly config: ImapConfig,
    private readonly password: string,
    private readonly maxBytes: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** The open connection, or a new one if the server dropped the last (idle timeouts are common). */
  async connection(): Promise<ImapFlow> {
    this.signal?.throwIfAborted();
    if (this.closed) throw new Error('this IMAP source is closed');
    if (this.client?.usable) return this.client;
    const client = new ImapFlow(clientOptions(this.config, this.password));
    // imapflow emits socket errors as events as well as rejecting the pending command; without
    // a listener an 'error' event would crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw describeImapError(err, this.config, 'login');
    }
    this.client = client;
    return client;
  }

  /**
   * Runs `step` once more on a fresh connection when the server dropped the old one (idle
   * timeouts, restarts). Both steps are safe to repeat: fetching reads, moving is idempotent.
   */
  private async retrying<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (!isConnectionLost(err) || this.closed) throw err;
      this.client?.close();
      this.client = null;
      return step();
    }
  }

  fetch(limit: number): Promise<FetchedMail[]> {
    if (!Number.isInteger(limit) || limit < 1)
      return Promise.reject(new Error('fetch limit must be a positive integer'));
    return this.retrying(() => this.fetchOnce(limit));
  }

  private async fetchOnce(limit: number): Promise<FetchedMail[]> {
    const client = await this.connection();
    const lock = await this.lockFolder(client, this.config.folder);
    try {
      // The folder may have been selected on an earlier poll: its message count is what the
      // server said then. A NOOP brings the count up to date, and on a connection the server
      // has just dropped it fails (and `retrying` reconnects) instead of reading "0 messages".
      await client.noop();
      // A NOOP answered by the server's goodbye resolves, and leaves no mailbox selected.
      assertUsable(client);
      const box = client.mailbox;
      if (!box || box.exists === 0) return [];
      const validity = box.uidValidity.toString();
      // Sequence numbers run in arrival order, so 1:n are the n oldest messages. Headers first,
      // then bodies by UID: never issue a command while a fetch() iterator is still open.
      const heads = (
        await client.fetchAll(`1:${Math.min(limit, box.exists)}`, {
          uid: true,
          size: true,
          internalDate: true,
          flags: true,
        })
      )
        .filter((m) => !m.flags?.has('\\Deleted'))
        .sort((a, b) => a.uid - b.uid);
      const wanted = heads.filter((m) => (m.size ?? 0) <= this.maxBytes).map((m) => m.uid);
      const bodies = new Map<number, Buffer>();
      for (let i = 0; i < wanted.length; i += UIDS_PER_COMMAND) {
        const set = wanted.slice(i, i + UIDS_PER_COMMAND).join(',');
        for (const m of await client.fetchAll(set, { uid: true, source: true }, { uid: true })) {
          if (m.source) bodies.set(m.uid, m.source);
        }
      }
      // The server may close the connection between the two fetches (an idle kick, a restart);
      // the body fetch then comes back empty, which must not read as "expunged meanwhile".
      assertUsable(client);
      const out: FetchedMail[] = [];
      for (const head of heads) {
        const mail = this.toMail(head, validity, bodies);
        if (mail) out.push(mail);
      }
      return out;
    } catch (err) {
      throw describeImapError(err, this.config, `fetch from "${this.config.folder}"`);
    } finally {
      lock.release();
    }
  }

  private toMail(head: FetchMessageObject, validity: string, bodies: Map<number, Buffer>): FetchedMail | null {
    const base = { ref: `${validity}:${head.uid}`, receivedAt: toMs(head.internalDate) };
    if ((head.size ?? 0) > this.maxBytes) return { ...base, raw: Buffer.alloc(0), tooLarge: head.size };
    const raw = bodies.get(head.uid);
    // No body means someone else expunged it between the two fetches; it is gone, skip it.
    return raw ? { ...base, raw } : null;
  }

  async markProcessed(refs: string[]): Promise<void> {
    if (refs.length === 0) return;
    const parsed = refs.map(parseRef);
    await this.retrying(() => this.moveOnce(parsed));
  }

  private async moveOnce(parsed: { validity: string; uid: number }[]): Promise<void> {
    const client = await this.connection();
    await this.ensureProcessedFolder(client);
    const lock = await this.lockFolder(client, this.config.folder);
    try {
      const box = client.mailbox;
      if (!box) return;
      // After a UIDVALIDITY change the old UIDs name nothing (or, worse, other messages); the
      // messages still waiting will be fetched again under new refs, so skipping is safe.
      const validity = box.uidValidity.toString();
      const uids = [...new Set(parsed.filter((p) => p.validity === validity).map((p) => p.uid))];
      for (let i = 0; i < uids.length; i += UIDS_PER_COMMAND) {
        // UID MOVE of UIDs that are already gone is a no-op, which makes this idempotent.
        await client.messageMove(uids.slice(i, i + UIDS_PER_COMMAND).join(','), this.config.processedFolder, {
          uid: true,
        });
      }
    } catch (err) {
      throw describeImapError(err, this.config, `move to "${this.config.processedFolder}"`);
    } finally {
      lock.release();
    }
  }

  private async ensureProcessedFolder(client: ImapFlow): Promise<void> {
    if (this.processedReady) return;
    try {
      const res = await client.mailboxCreate(this.config.processedFolder);
      // Subscribed so that people looking at the mailbox in a mail client see the folder.
      if (res.created) await client.mailboxSubscribe(this.config.processedFolder).catch(() => undefined);
    } catch (err) {
      // Some servers answer CREATE of an existing folder with NO instead of ALREADYEXISTS.
      const exists = await client.status(this.config.processedFolder, { messages: true }).then(
        (status) => status !== false,
        () => false,
      );
      if (!exists) throw describeImapError(err, this.config, `create folder "${this.config.processedFolder}"`);
    }
    this.processedReady = true;
  }

  private async lockFolder(client: ImapFlow, folder: string) {
    try {
      return await client.getMailboxLock(folder);
    } catch (err) {
      throw describeImapError(err, this.config, `open folder "${folder}"`, folder);
    }
  }

  test(): Promise<string> {
    return this.retrying(() => this.testOnce());
  }

  private async testOnce(): Promise<string> {
    const client = await this.connection();
    let waiting: number;
    try {
      const status = await client.status(this.config.folder, { messages: true });
      // imapflow answers false instead of throwing when the server refuses STATUS outright.
      if (!status) throw new Error(`folder "${this.config.folder}" cannot be opened`);
      waiting = status.messages ?? 0;
    } catch (err) {
      throw describeImapError(err, this.config, `open folder "${this.config.folder}"`, this.config.folder);
    }
    const processedExists = await client.status(this.config.processedFolder, { messages: true }).then(
      (status) => status !== false,
      () => false,
    );
    const { host, username, folder, processedFolder } = this.config;
    return (
      `Logged in to ${host} as ${username}; folder "${folder}" has ${waiting} message${waiting === 1 ? '' : 's'} waiting` +
      (processedExists ? '.' : `; "${processedFolder}" will be created when the first message is processed.`)
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (!client) return;
    // LOGOUT is a courtesy; a dead connection must not turn close() into an error.
    await client.logout().catch(() => client.close());
  }
}

/**
 * Reads report mail from an IMAP folder with imapflow and moves handled messages aside.
 *
 * @example
 *   const source = await imapSourceAdapter.open(
 *     { host: 'imap.example.com', username: 'reports@example.com' },
 *     { password: 'app-password' },
 *   );
 *   const batch = await source.fetch(20);
 */
export const imapSourceAdapter: MailSourceAdapter = {
  kind: 'imap',
  async open(config, secrets, opts?: MailSourceOpenOptions) {
    const parsed = parseImapConfig(config, secrets);
    const source = new ImapSource(
      parsed,
      secrets.password as string,
      opts?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      opts?.signal,
    );
    // Log in now so that a wrong password or an unreachable server fails open(), not fetch().
    await source.connection();
    return source;
  },
};
