import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMailSourceAdapter } from '../../src/adapters/mail-import/registry.js';
import { startGraphServer, type GraphServer, type GraphServerOptions } from '../helpers/graph-server.js';

let graph: GraphServer | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

async function server(opts: GraphServerOptions = {}): Promise<GraphServer> {
  graph = await startGraphServer(opts);
  return graph;
}

function message(subject: string, body = 'Backup finished.'): string {
  const encoded = /[^\x20-\x7e]/.test(subject) ? `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=` : subject;
  return [
    'From: Veeam <veeam@customer.example>',
    'To: backup-reports@contoso.com',
    `Subject: ${encoded}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@customer.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

function config(g: GraphServer, over: Record<string, unknown> = {}) {
  return {
    tenantId: g.tenantId,
    clientId: g.clientId,
    mailbox: g.mailbox,
    authorityUrl: g.authorityUrl,
    graphUrl: g.graphUrl,
    ...over,
  };
}

async function open(g: GraphServer, over: Record<string, unknown> = {}, secret = g.clientSecret) {
  const adapter = await loadMailSourceAdapter('graph');
  return adapter.open(config(g, over), { clientSecret: secret }, { maxMessageBytes: 20_000 });
}

async function subjects(mails: { raw: Buffer }[]): Promise<string[]> {
  return Promise.all(mails.map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
}

const t0 = Date.parse('2026-03-01T02:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const countOf = (g: GraphServer, pattern: RegExp) => g.requests.filter((r) => pattern.test(r)).length;

describe('Microsoft Graph mail source against a local Graph server', () => {
  it('fetches oldest first across pages, skips oversize bodies and moves processed mail aside', async () => {
    const g = await server({ maxPageSize: 2 });
    // Added out of order: the source must sort by receivedDateTime, not trust insertion order.
    g.addMessage('Inbox', message('job 3 huge', 'x'.repeat(60_000)), at(3));
    g.addMessage('Inbox', message('job 1 ok'), at(1));
    g.addMessage('Inbox', message('job 5 warn'), at(5));
    g.addMessage('Inbox', message('Sicherung für Müller — erfolgreich ✓'), at(2));
    g.addMessage('Inbox', message('job 4 failed'), at(4));
    const source = await open(g);
    try {
      expect(await source.test()).toBe(
        `Signed in to tenant ${g.tenantId}; folder "Inbox" of ${g.mailbox} has 5 messages waiting; "Processed" will be created when the first message is processed.`,
      );
      const lists = countOf(g, /^GET .*\/messages$/);
      const first = await source.fetch(3);
      // Three messages at two per page: the second page came from @odata.nextLink.
      expect(countOf(g, /^GET .*\/messages$/) - lists).toBe(2);
      expect(first.map((m) => m.receivedAt)).toEqual([at(1), at(2), at(3)].map((d) => d.getTime()));
      expect(await subjects(first.slice(0, 2))).toEqual(['job 1 ok', 'Sicherung für Müller — erfolgreich ✓']);
      expect(first[2]!.raw.length).toBe(0);
      expect(first[2]!.tooLarge).toBeGreaterThan(60_000);
      // Not marked yet: fetched again with the same refs.
      expect((await source.fetch(3)).map((m) => m.ref)).toEqual(first.map((m) => m.ref));

      await source.markProcessed(first.map((m) => m.ref));
      expect(g.folderNames()).toContain('Processed');
      expect(g.list('Processed')).toHaveLength(3);
      // Idempotent (immutable ids: the refs still name the moved messages).
      await source.markProcessed(first.map((m) => m.ref));
      expect(g.list('Processed')).toHaveLength(3);

      const rest = await source.fetch(10);
      expect(await subjects(rest)).toEqual(['job 4 failed', 'job 5 warn']);
      await source.markProcessed(rest.map((m) => m.ref));
      expect(await source.fetch(10)).toEqual([]);
    } finally {
      await source.close();
    }
    expect(g.list('Inbox')).toEqual([]);
    expect(g.list('Processed')).toHaveLength(5);
    // One token for the whole session: it is cached until shortly before it expires.
    expect(g.tokensIssued).toBe(1);

    const again = await open(g);
    try {
      expect(await again.fetch(50)).toEqual([]);
      expect(await again.test()).toMatch(/has 0 messages waiting\.$/);
    } finally {
      await again.close();
    }
  });

  it('resolves nested folder paths and creates the processed folder under its parent', async () => {
    const g = await server();
    g.addMessage('Inbox/Backup reports', message('nested'), at(1));
    const source = await open(g, { folder: 'Inbox/Backup reports', processedFolder: "Inbox/Backup reports/Done 'ok'" });
    try {
      const mails = await source.fetch(5);
      expect(await subjects(mails)).toEqual(['nested']);
      await source.markProcessed(mails.map((m) => m.ref));
    } finally {
      await source.close();
    }
    expect(g.list("Inbox/Backup reports/Done 'ok'")).toEqual(['nested']);
    expect(g.list('Inbox/Backup reports')).toEqual([]);
  });

  it('waits out a 429 with Retry-After and gives up when throttling persists', async () => {
    const g = await server();
    g.addMessage('Inbox', message('throttled once'), at(1));
    const source = await open(g);
    try {
      g.throttle(1, 1);
      const started = Date.now();
      expect(await subjects(await source.fetch(5))).toEqual(['throttled once']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);

      g.throttle(100, 0);
      await expect(source.fetch(5)).rejects.toThrow(
        /failed \(429 ApplicationThrottled\): .*throttled; Retry-After 0 s/,
      );
      g.throttle(1, 3600);
      await expect(source.fetch(5)).rejects.toThrow(/Retry-After 3600 s/);
    } finally {
      g.throttle(0, 0);
      await source.close();
    }
  });

  it('renews the token when it expires or is revoked', async () => {
    const g = await server({ tokenLifetime: 1 });
    g.addMessage('Inbox', message('renewed'), at(1));
    const source = await open(g);
    try {
      expect(g.tokensIssued).toBe(1);
      await new Promise((r) => setTimeout(r, 700));
      await source.fetch(1);
      expect(g.tokensIssued).toBe(2);
      g.revokeTokens();
      expect(await subjects(await source.fetch(1))).toEqual(['renewed']);
      expect(g.tokensIssued).toBe(3);
    } finally {
      await source.close();
    }
  });

  it('explains a wrong client secret or tenant without showing the secret', async () => {
    const g = await server();
    const err = await open(g, {}, 'wrong-secret-value').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^Microsoft sign-in for tenant "contoso\.onmicrosoft\.com" with client "[\w-]+" failed \(401 invalid_client\): AADSTS7000215: Invalid client secret provided\./,
    );
    expect(err?.message).not.toMatch(/wrong-secret-value|Trace ID/);
    await expect(open(g, { tenantId: 'fabrikam.example' })).rejects.toThrow(
      /failed \(400 invalid_request\): AADSTS90002: Tenant 'fabrikam\.example' not found\./,
    );
  });

  it('explains a missing folder or mailbox', async () => {
    const g = await server();
    const noFolder = await open(g, { folder: 'Nope' });
    try {
      await expect(noFolder.fetch(5)).rejects.toThrow(`Graph folder "Nope" does not exist in mailbox ${g.mailbox}`);
      await expect(noFolder.test()).rejects.toThrow(/Graph folder "Nope" does not exist/);
    } finally {
      await noFolder.close();
    }
    const noUser = await open(g, { mailbox: 'nobody@contoso.com' });
    try {
      await expect(noUser.fetch(5)).rejects.toThrow(
        /Microsoft Graph GET \/v1\.0\/users\/nobody@contoso\.com\/mailFolders\/inbox failed \(404 ErrorInvalidUser\): The requested user 'nobody@contoso\.com' is invalid\. \(check graph\.mailbox\)/,
      );
    } finally {
      await noUser.close();
    }
  });

  it('says clearly when Graph cannot be reached', async () => {
    const g = await server();
    const url = g.url;
    await g.close();
    graph = undefined;
    await expect(
      (await loadMailSourceAdapter('graph')).open(
        { tenantId: 't', clientId: 'c', mailbox: 'm@x', authorityUrl: `${url}/authority`, graphUrl: `${url}/v1.0` },
        { clientSecret: 's' },
      ),
    ).rejects.toThrow(/cannot reach the Microsoft sign-in service at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
