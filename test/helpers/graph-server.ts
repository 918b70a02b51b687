import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Microsoft Entra ID's token endpoint and the part of Microsoft Graph the
 * mail importer uses, following the documented request and response shapes:
 * - POST {authority}/{tenant}/oauth2/v2.0/token (client credentials; 400/401 with
 *   `{error, error_description: "AADSTS…"}`),
 * - GET /users/{mailbox}/mailFolders[/{id|wellKnownName}][/childFolders] with `$filter=displayName eq '…'`,
 * - POST …/mailFolders and …/childFolders (201, or 409 ErrorFolderExists),
 * - GET …/mailFolders/{id}/messages with `$top`, `$orderby`, `$select`, paged by `@odata.nextLink`
 *   (`$skip`), default order receivedDateTime desc as Graph's,
 * - GET …/messages/{id}/$value (the MIME text), POST …/messages/{id}/move (201; a new id unless
 *   the request has `Prefer: IdType="ImmutableId"`),
 * - errors as `{error: {code, message}}`, 401 InvalidAuthenticationToken for a bad token.
 */

interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnown?: string;
}

interface Message {
  id: string;
  folderId: string;
  raw: Buffer;
  receivedDateTime: string;
  internetMessageId: string | null;
  subject: string;
}

export interface GraphServerOptions {
  /** Largest page the server returns whatever $top asks (Graph caps messages at 1000). */
  maxPageSize?: number;
  /** Access token lifetime in seconds (Entra ID says 3599). */
  tokenLifetime?: number;
}

export interface GraphServer {
  url: string;
  authorityUrl: string;
  graphUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  mailbox: string;
  /** Adds a message to a folder path ("Inbox", "Inbox/Reports"; created if missing); returns its id. */
  addMessage(folder: string, raw: string | Buffer, receivedAt?: Date): string;
  /** Raw Subject headers in a folder path, oldest first; [] when the folder does not exist. */
  list(folder: string): string[];
  /** Top-level folder display names. */
  folderNames(): string[];
  /** Forgets every issued token, as if they had been revoked: the next Graph call gets 401. */
  revokeTokens(): void;
  /** The next `count` Graph requests (not token requests) get 429 with this Retry-After. */
  throttle(count: number, retryAfterSeconds: number): void;
  /** Every request as "METHOD /path" (query left out), in order. */
  requests: string[];
  tokensIssued: number;
  close(): Promise<void>;
}

const WELL_KNOWN: Record<string, string> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  junkemail: 'Junk Email',
  archive: 'Archive',
};

/** Exchange ids are long base64 strings; the "=" and "-" make sure clients URL-encode them. */
function newId(): string {
  return `AAMkAD${randomBytes(18).toString('base64url')}-Ab=`;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function header(raw: Buffer, name: string): string | null {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; odata.metadata=minimal', ...headers });
  res.end(text);
}

function graphError(res: ServerResponse, status: number, code: string, message: string, headers = {}) {
  send(
    res,
    status,
    { error: { code, message, innerError: { 'request-id': randomBytes(8).toString('hex') } } },
    headers,
  );
}

function entraError(res: ServerResponse, status: number, error: string, code: number, text: string) {
  send(res, status, {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${randomBytes(8).toString('hex')}\r\nCorrelation ID: x\r\nTimestamp: ${iso(new Date())}`,
    error_codes: [code],
  });
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the fake on a free loopback port.
 *
 * @example
 *   const graph = await startGraphServer({ maxPageSize: 2 });
 *   graph.addMessage('Inbox', 'Subject: hi\r\n\r\nbody');
 *   const config = { tenantId: graph.tenantId, clientId: graph.clientId, mailbox: graph.mailbox,
 *     authorityUrl: graph.authorityUrl, graphUrl: graph.graphUrl };
 */
export async function startGraphServer(opts: GraphServerOptions = {}): Promise<GraphServer> {
  const maxPage = opts.maxPageSize ?? 1000;
  const lifetime = opts.tokenLifetime ?? 3599;
  const tenantId = 'contoso.onmicrosoft.com';
  const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
  const clientSecret = 'kw~test-secret.' + randomBytes(6).toString('hex');
  const mailbox = 'backup-reports@contoso.com';
  const tokens = new Map<string, number>();
  const folders: Folder[] = [];
  const messages: Message[] = [];
  let throttleLeft = 0;
  let throttleAfter = 0;
  const root = newId();
  for (const [wellKnown, displayName] of Object.entries(WELL_KNOWN)) {
    if (wellKnown !== 'archive') folders.push({ id: newId(), displayName, parentFolderId: root, wellKnown });
  }

  const state = { requests: [] as string[], tokensIssued: 0 };

  const folderJson = (f: Folder) => ({
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount: folders.filter((c) => c.parentFolderId === f.id).length,
    unreadItemCount: 0,
    totalItemCount: messages.filter((m) => m.folderId === f.id).length,
    isHidden: false,
  });
  const byIdOrName = (key: string) =>
    folders.find((f) => f.id === key) ??
    (key === 'msgfolderroot' ? undefined : folders.find((f) => f.wellKnown === key.toLowerCase()));
  /** "Inbox" or "Inbox/Backup reports": well-known or top-level first, then child folders. */
  const byPath = (path: string, create = false): Folder | undefined => {
    let parent: Folder | undefined;
    for (const name of path.split('/').filter(Boolean)) {
      const lower = name.toLowerCase();
      let f: Folder | undefined = parent
        ? folders.find((c) => c.parentFolderId === parent!.id && c.displayName.toLowerCase() === lower)
        : (folders.find((c) => c.wellKnown === lower.replace(/\s+/g, '')) ??
          folders.find((c) => c.parentFolderId === root && c.displayName.toLowerCase() === lower));
      if (!f && create) {
        f = { id: newId(), displayName: name, parentFolderId: parent?.id ?? root };
        folders.push(f);
      }
      if (!f) return undefined;
      parent = f;
    }
    return parent;
  };

  function token(req: IncomingMessage, res: ServerResponse, tenant: string, form: URLSearchParams) {
    if (tenant !== tenantId) return entraError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials')
      return entraError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== clientId)
      return entraError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`,
      );
    if (form.get('client_secret') !== clientSecret)
      return entraError(
        res,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    if (form.get('scope') !== 'https://graph.microsoft.com/.default')
      return entraError(res, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    const value = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString('base64url')}`;
    tokens.set(value, Date.now() + lifetime * 1000);
    state.tokensIssued++;
    send(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: value });
  }

  async function graph(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]) {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = auth ? tokens.get(auth) : undefined;
    if (!auth) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (expires === undefined)
      return graphError(res, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.');
    if (expires < Date.now())
      return graphError(res, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    if (throttleLeft > 0) {
      throttleLeft--;
      return graphError(res, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
        'Retry-After': String(throttleAfter),
      });
    }
    // parts: ['users', mailbox, ...rest]
    if (parts[0] !== 'users' || parts[1]?.toLowerCase() !== mailbox) {
      return graphError(res, 404, 'ErrorInvalidUser', `The requested user '${parts[1] ?? ''}' is invalid.`);
    }
    const rest = parts.slice(2);
    const q = url.searchParams;
    const immutable = /IdType="ImmutableId"/.test(String(req.headers.prefer ?? ''));

    // /mailFolders, /mailFolders/{id}, /mailFolders/{id}/childFolders
    if (rest[0] === 'mailFolders' && rest.length <= 3 && rest[2] !== 'messages') {
      const parent = rest.length === 1 ? root : rest[2] === 'childFolders' ? byIdOrName(rest[1]!)?.id : undefined;
      if (rest.length === 2 && req.method === 'GET') {
        const f = byIdOrName(rest[1]!);
        return f ? send(res, 200, folderJson(f)) : graphError(res, 404, 'ErrorInvalidIdMalformed', 'Id is malformed.');
      }
      if (!parent) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      const children = folders.filter((f) => f.parentFolderId === parent);
      if (req.method === 'GET') {
        const filter = q.get('$filter');
        let list = children;
        if (filter) {
          const m = /^displayName eq '((?:[^']|'')*)'$/.exec(filter);
          if (!m)
            return graphError(
              res,
              400,
              'ErrorInvalidUrlQueryFilter',
              'The query filter contains one or more invalid nodes.',
            );
          const name = m[1]!.replace(/''/g, "'").toLowerCase();
          list = children.filter((f) => f.displayName.toLowerCase() === name);
        }
        return send(res, 200, { value: list.map(folderJson) });
      }
      if (req.method === 'POST') {
        const { displayName } = JSON.parse(await body(req)) as { displayName?: string };
        if (!displayName) return graphError(res, 400, 'ErrorInvalidRequest', 'displayName is required.');
        if (children.some((f) => f.displayName.toLowerCase() === displayName.toLowerCase()))
          return graphError(res, 409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
        const f: Folder = { id: newId(), displayName, parentFolderId: parent };
        folders.push(f);
        return send(res, 201, folderJson(f));
      }
    }

    // /mailFolders/{id}/messages
    if (rest[0] === 'mailFolders' && rest[2] === 'messages' && rest.length === 3 && req.method === 'GET') {
      const folder = byIdOrName(rest[1]!);
      if (!folder) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      const orderby = q.get('$orderby') ?? 'receivedDateTime desc';
      const order = /^receivedDateTime (asc|desc)$/.exec(orderby)?.[1];
      if (!order)
        return graphError(res, 400, 'ErrorInvalidProperty', `The property '${orderby}' does not support sorting.`);
      const top = Number(q.get('$top') ?? 10);
      const skip = Number(q.get('$skip') ?? 0);
      const select = (q.get('$select') ?? 'id,receivedDateTime,internetMessageId,subject').split(',');
      const all = messages
        .filter((m) => m.folderId === folder.id)
        .sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime) * (order === 'asc' ? 1 : -1));
      const size = Math.min(top, maxPage);
      const page = all.slice(skip, skip + size);
      const value = page.map((m) => {
        const full: Record<string, unknown> = {
          '@odata.etag': 'W/"CQAAABYAAAA"',
          id: m.id,
          receivedDateTime: m.receivedDateTime,
          internetMessageId: m.internetMessageId,
          subject: m.subject,
        };
        return Object.fromEntries(Object.entries(full).filter(([k]) => k.startsWith('@') || select.includes(k)));
      });
      const out: Record<string, unknown> = {
        '@odata.context': `${url.origin}/v1.0/$metadata#users('${mailbox}')/mailFolders('${folder.id}')/messages`,
        value,
      };
      if (skip + size < all.length) {
        const next = new URL(url);
        next.searchParams.set('$skip', String(skip + size));
        out['@odata.nextLink'] = next.toString();
      }
      return send(res, 200, out);
    }

    // /messages/{id}/$value and /messages/{id}/move
    if (rest[0] === 'messages' && rest.length === 3) {
      const m = messages.find((x) => x.id === rest[1]);
      if (!m) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (rest[2] === '$value' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(m.raw.length) });
        return res.end(m.raw);
      }
      if (rest[2] === 'move' && req.method === 'POST') {
        const { destinationId } = JSON.parse(await body(req)) as { destinationId?: string };
        const dest = destinationId ? byIdOrName(destinationId) : undefined;
        if (!dest) return graphError(res, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
        m.folderId = dest.id;
        if (!immutable) m.id = newId();
        return send(res, 201, {
          id: m.id,
          parentFolderId: dest.id,
          receivedDateTime: m.receivedDateTime,
          subject: m.subject,
        });
      }
    }
    graphError(res, 400, 'BadRequest', `Resource not found for the segment '${rest.join('/')}'.`);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    state.requests.push(`${req.method} ${url.pathname}`);
    void (async () => {
      if (
        parts[0] === 'authority' &&
        parts[2] === 'oauth2' &&
        parts[3] === 'v2.0' &&
        parts[4] === 'token' &&
        req.method === 'POST'
      ) {
        return token(req, res, parts[1]!, new URLSearchParams(await body(req)));
      }
      if (parts[0] === 'v1.0') return graph(req, res, url, parts.slice(1));
      graphError(res, 404, 'NotFound', 'no such endpoint');
    })().catch((err: Error) => graphError(res, 500, 'InternalServerError', err.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    authorityUrl: `${base}/authority`,
    graphUrl: `${base}/v1.0`,
    tenantId,
    clientId,
    clientSecret,
    mailbox,
    get requests() {
      return state.requests;
    },
    get tokensIssued() {
      return state.tokensIssued;
    },
    addMessage(folder, raw, receivedAt = new Date()) {
      const f = byPath(folder, true)!;
      const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      const id = newId();
      messages.push({
        id,
        folderId: f.id,
        raw: buf,
        receivedDateTime: iso(receivedAt),
        internetMessageId: header(buf, 'Message-ID'),
        subject: header(buf, 'Subject') ?? '',
      });
      return id;
    },
    list(folder) {
      const f = byPath(folder);
      if (!f) return [];
      return messages
        .filter((m) => m.folderId === f.id)
        .sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime))
        .map((m) => m.subject);
    },
    folderNames: () => folders.filter((f) => f.parentFolderId === root).map((f) => f.displayName),
    revokeTokens: () => tokens.clear(),
    throttle(count, retryAfterSeconds) {
      throttleLeft = count;
      throttleAfter = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
