import { GraphError, type GraphHttp } from './graph.http.js';

export interface MailFolder {
  id: string;
  displayName: string;
  totalItemCount?: number;
}

/**
 * Graph's well-known folder names, addressable as /mailFolders/{name} whatever the mailbox's
 * language calls them (a German Inbox is "Posteingang"), so "Inbox" works everywhere.
 */
const WELL_KNOWN = new Set([
  'archive',
  'deleteditems',
  'drafts',
  'inbox',
  'junkemail',
  'msgfolderroot',
  'outbox',
  'sentitems',
]);

const SELECT = '$select=id,displayName,totalItemCount';

function segments(path: string): string[] {
  return path
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
}

function filterByName(name: string): string {
  // OData string literals escape a quote by doubling it.
  return `$filter=${encodeURIComponent(`displayName eq '${name.replace(/'/g, "''")}'`)}`;
}

function childrenPath(parent: MailFolder | null): string {
  return parent ? `/mailFolders/${encodeURIComponent(parent.id)}/childFolders` : '/mailFolders';
}

async function wellKnown(http: GraphHttp, name: string): Promise<MailFolder | null> {
  const key = name.toLowerCase().replace(/\s+/g, '');
  if (!WELL_KNOWN.has(key)) return null;
  try {
    return await http.json<MailFolder>('GET', `/mailFolders/${key}?${SELECT}`);
  } catch (err) {
    // E.g. "archive" when the mailbox has no archive folder yet: fall back to the display name.
    if (err instanceof GraphError && err.status === 404 && err.code !== 'ErrorInvalidUser') return null;
    throw err;
  }
}

async function child(http: GraphHttp, parent: MailFolder | null, name: string): Promise<MailFolder | null> {
  const page = await http.json<{ value: MailFolder[] }>(
    'GET',
    `${childrenPath(parent)}?${filterByName(name)}&${SELECT}`,
  );
  return page.value[0] ?? null;
}

/** Resolves "Inbox" or "Inbox/Backup reports" to a folder; null when some part is missing. */
export async function findFolder(http: GraphHttp, path: string): Promise<MailFolder | null> {
  let folder: MailFolder | null = null;
  for (const [i, name] of segments(path).entries()) {
    folder = (i === 0 ? await wellKnown(http, name) : null) ?? (await child(http, folder, name));
    if (!folder) return null;
  }
  return folder;
}

/** Like findFolder, creating whatever part of the path is missing. */
export async function ensureFolder(http: GraphHttp, path: string): Promise<MailFolder> {
  let folder: MailFolder | null = null;
  for (const [i, name] of segments(path).entries()) {
    const parent: MailFolder | null = folder;
    folder = (i === 0 ? await wellKnown(http, name) : null) ?? (await child(http, parent, name));
    if (folder) continue;
    try {
      folder = await http.json<MailFolder>('POST', childrenPath(parent), { displayName: name });
    } catch (err) {
      // Someone (another Keepwatch node, a person) created it between our look-up and create.
      if (!(err instanceof GraphError && err.status === 409)) throw err;
      folder = await child(http, parent, name);
      if (!folder) throw err;
    }
  }
  if (!folder) throw new Error(`"${path}" is not a folder path`);
  return folder;
}
