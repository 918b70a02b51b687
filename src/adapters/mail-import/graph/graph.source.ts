import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type FetchedMail,
  type MailSource,
  type MailSourceAdapter,
  type MailSourceOpenOptions,
} from '../mail-import.js';
import { parseGraphConfig, type GraphConfig } from './graph.config.js';
import { ensureFolder, findFolder, type MailFolder } from './graph.folders.js';
import { GraphError, GraphHttp } from './graph.http.js';

/** Graph's largest page for messages; bigger batches follow @odata.nextLink. */
const MAX_PAGE = 1000;

interface MessageHead {
  id: string;
  receivedDateTime?: string;
  internetMessageId?: string;
}

/** Reads a body up to `max` bytes; past that, stops downloading and reports the size seen. */
async function readCapped(res: Response, max: number): Promise<{ raw: Buffer } | { tooLarge: number }> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    return { tooLarge: declared };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const part = reader ? await reader.read() : { done: true as const, value: undefined };
    if (part.done) break;
    total += part.value.byteLength;
    if (total > max) {
      await reader?.cancel();
      return { tooLarge: total };
    }
    chunks.push(Buffer.from(part.value));
  }
  return { raw: Buffer.concat(chunks) };
}

class GraphSource implements MailSource {
  private folder: MailFolder | null = null;
  private processed: MailFolder | null = null;
  private closed = false;

  constructor(
    private readonly config: GraphConfig,
    readonly http: GraphHttp,
    private readonly maxBytes: number,
  ) {}

  private check(): void {
    if (this.closed) throw new Error('this Graph source is closed');
  }

  private async sourceFolder(): Promise<MailFolder> {
    this.folder ??= await findFolder(this.http, this.config.folder);
    if (!this.folder) {
      throw new Error(`Graph folder "${this.config.folder}" does not exist in mailbox ${this.config.mailbox}`);
    }
    return this.folder;
  }

  async fetch(limit: number): Promise<FetchedMail[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('fetch limit must be a positive integer');
    this.check();
    const folder = await this.sourceFolder();
    const heads: MessageHead[] = [];
    let next: string | undefined =
      `/mailFolders/${encodeURIComponent(folder.id)}/messages?$top=${Math.min(limit, MAX_PAGE)}` +
      `&$orderby=${encodeURIComponent('receivedDateTime asc')}&$select=id,receivedDateTime,internetMessageId`;
    try {
      while (next && heads.length < limit) {
        const page: { value: MessageHead[]; '@odata.nextLink'?: string } = await this.http.json('GET', next);
        heads.push(...page.value);
        next = page['@odata.nextLink'];
      }
    } catch (err) {
      // The folder was deleted or renamed since we looked it up: look again next time.
      if (err instanceof GraphError && err.status === 404) this.folder = null;
      throw err;
    }
    const out: FetchedMail[] = [];
    for (const head of heads.slice(0, limit)) {
      const mail = await this.download(head);
      if (mail) out.push(mail);
    }
    return out;
  }

  private async download(head: MessageHead): Promise<FetchedMail | null> {
    const received = head.receivedDateTime ? Date.parse(head.receivedDateTime) : NaN;
    const base = { ref: head.id, receivedAt: Number.isFinite(received) ? received : null };
    let res: Response;
    try {
      res = await this.http.request('GET', `/messages/${encodeURIComponent(head.id)}/$value`, undefined, '*/*');
    } catch (err) {
      // Deleted (or moved by someone else) since the listing: nothing left to import.
      if (err instanceof GraphError && err.status === 404) return null;
      throw err;
    }
    const body = await readCapped(res, this.maxBytes);
    return 'raw' in body ? { ...base, raw: body.raw } : { ...base, raw: Buffer.alloc(0), tooLarge: body.tooLarge };
  }

  async markProcessed(refs: string[]): Promise<void> {
    this.check();
    if (refs.length === 0) return;
    this.processed ??= await ensureFolder(this.http, this.config.processedFolder);
    for (const ref of new Set(refs)) {
      try {
        await this.http.request('POST', `/messages/${encodeURIComponent(ref)}/move`, {
          destinationId: this.processed.id,
        });
      } catch (err) {
        // Already moved (ids from before immutable ids change on move) or deleted: done either way.
        if (err instanceof GraphError && err.status === 404 && err.code !== 'ErrorInvalidUser') continue;
        throw err;
      }
    }
  }

  async test(): Promise<string> {
    this.check();
    await this.http.accessToken();
    this.folder = null;
    const folder = await this.sourceFolder();
    const waiting = folder.totalItemCount ?? 0;
    const processed = await findFolder(this.http, this.config.processedFolder);
    const { tenantId, mailbox, folder: name, processedFolder } = this.config;
    return (
      `Signed in to tenant ${tenantId}; folder "${name}" of ${mailbox} has ${waiting} message${waiting === 1 ? '' : 's'} waiting` +
      (processed ? '.' : `; "${processedFolder}" will be created when the first message is processed.`)
    );
  }

  async close(): Promise<void> {
    // Stateless HTTP: nothing to hang up, but a closed source must not be used again.
    this.closed = true;
  }
}

/**
 * Reads report mail from a Microsoft 365 mailbox through Microsoft Graph with an app
 * registration (client credentials), and moves handled messages to a folder.
 *
 * @example
 *   const source = await graphSourceAdapter.open(
 *     { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-0000-0000-000000000000', mailbox: 'reports@contoso.com' },
 *     { clientSecret: '...' },
 *   );
 *   const batch = await source.fetch(20);
 */
export const graphSourceAdapter: MailSourceAdapter = {
  kind: 'graph',
  async open(config, secrets, opts?: MailSourceOpenOptions) {
    const parsed = parseGraphConfig(config, secrets);
    const http = new GraphHttp(parsed, secrets.clientSecret as string, opts?.signal);
    // Sign in now so that a wrong secret or tenant fails open(), not the first fetch().
    await http.accessToken();
    return new GraphSource(parsed, http, opts?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  },
};
