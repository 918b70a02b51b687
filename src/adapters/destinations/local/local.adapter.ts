import { randomBytes } from 'node:crypto';
import { mkdir, realpath, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Destination, DestinationAdapter } from '../destination.contract.js';
import { localConfigSchema, parseLocalConfig } from './local.config.js';
import { LocalDestination } from './local.destination.js';
import { errorCode } from './local.fs.js';
import { PARTIAL_DIR } from './local.key.js';

async function openLocal(config: Record<string, unknown>): Promise<Destination> {
  const { path } = parseLocalConfig(config);
  try {
    // 0700: backups are readable by whoever can read this directory; new dirs start private.
    await mkdir(path, { recursive: true, mode: 0o700 });
    const root = await realpath(path);
    const partialDir = join(root, PARTIAL_DIR);
    await mkdir(partialDir, { recursive: true, mode: 0o700 });
    // Write for real: access(W_OK) says yes on some read-only mounts and network shares.
    const probe = join(partialDir, `.probe-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, '', { mode: 0o600, flag: 'wx' });
    await unlink(probe);
    return new LocalDestination(root);
  } catch (err) {
    // Node's fs messages read "EACCES: permission denied, mkdir '/x'"; the path is said already.
    const message = (err as Error).message;
    const reason = errorCode(err) ? (message.split(',')[0] ?? message) : message;
    throw new Error(`local destination ${path}: cannot create or write there (${reason})`);
  }
}

/**
 * A directory on the machine that runs the job.
 *
 * @example
 *   const dest = await localDestinationAdapter.open({ path: '/var/backups/keepwatch' });
 */
export const localDestinationAdapter: DestinationAdapter = {
  kind: 'local',
  label: 'Local directory',
  configSchema: localConfigSchema,
  secretFields: [],
  open: openLocal,
};
