import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** What `keepwatch login` stores: enough to reach one server without flags. */
export interface Credentials {
  server: string;
  token: string;
  username: string;
  /** Id of the API token on the server, so `logout` can revoke it. */
  tokenId?: number;
}

export function credentialsPath(env: Readonly<Record<string, string | undefined>>): string {
  return env.KEEPWATCH_CONFIG || join(homedir(), '.config', 'keepwatch', 'credentials.json');
}

/** Reads the credentials file; a missing file is not an error (the user has not logged in). */
export async function readCredentials(path: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; delete it and run \`keepwatch login\` again`);
  }
  const record = (data ?? {}) as Partial<Record<keyof Credentials, unknown>>;
  if (typeof record.server !== 'string' || typeof record.token !== 'string') {
    throw new Error(`${path} has no server or token; run \`keepwatch login\` again`);
  }
  return {
    server: record.server,
    token: record.token,
    username: typeof record.username === 'string' ? record.username : '',
    ...(typeof record.tokenId === 'number' ? { tokenId: record.tokenId } : {}),
  };
}

/** True when group or others may read the file: the token would be exposed to other users. */
export async function isReadableByOthers(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/**
 * Writes the file with mode 0600 (directory 0700) through a temp file and a rename, so the
 * token is never readable by others, not even for a moment, and a crash never leaves half a
 * file behind.
 */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    // The umask can only remove bits; chmod makes the mode exactly 0600 whatever it is.
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function deleteCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
