/**
 * Encryption-profile keys (the 32-byte AES keys that protect backups), their ids and
 * recovery kits, and the instance master key that protects credentials at rest.
 *
 * Key material never appears in an error message: errors say which file or setting is
 * wrong and what shape was expected, never what was found.
 */
import { createHash, randomBytes, scrypt } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';

export const KEY_LENGTH = 32;
export const KEY_ID_LENGTH = 16;

const KEY_ID_CONTEXT = Buffer.from('keepwatch-key-id-v1', 'ascii');
const KIT_MARKER = 'keepwatch-recovery-kit';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// Standard or URL-safe alphabet, optional padding; length is checked after decoding.
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/** Passphrase stretching for KEEPWATCH_SECRET: scrypt N=2^15, r=8, p=1 (≈32 MiB, ~0.1 s). */
const PASSPHRASE_MIN_LENGTH = 16;
const PASSPHRASE_SALT = Buffer.from('keepwatch-master-key-v1', 'ascii');
const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export function generateProfileKey(): Buffer {
  return randomBytes(KEY_LENGTH);
}

/**
 * A public fingerprint of a key, stored in every backup header so that the right key can be
 * found (and a wrong one refused) without trying to decrypt. The context string keeps it
 * from colliding with any other hash of the same key.
 */
export function keyIdOf(key: Buffer): Buffer {
  assertKey(key, 'key');
  return createHash('sha256').update(KEY_ID_CONTEXT).update(key).digest().subarray(0, KEY_ID_LENGTH);
}

export function formatRecoveryKit(input: { name: string; key: Buffer; createdAt: Date | string }): string {
  assertKey(input.key, 'recovery kit key');
  const createdAt = input.createdAt instanceof Date ? input.createdAt.toISOString() : input.createdAt;
  // A newline inside the name would let it forge a "key:" line of its own.
  const oneLine = (s: string): string => s.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
  return [
    `# Keepwatch recovery kit: the encryption key of profile "${oneLine(input.name)}".`,
    '# Keep this file offline and private: anyone who has it can read the backups made with this key.',
    '# To decrypt a backup without a server: keepwatch backup decrypt --key-file <this file> <backup.kwe>',
    `${KIT_MARKER}: 1`,
    `profile: ${oneLine(input.name)}`,
    `created-at: ${oneLine(createdAt)}`,
    `key-id: ${keyIdOf(input.key).toString('hex')}`,
    `key: ${input.key.toString('base64')}`,
    '',
  ].join('\n');
}

/**
 * Reads a key given by a user: a recovery kit, 64 hex characters, base64 of 32 bytes, or a
 * file of exactly 32 raw bytes (only when given as a Buffer: a string is always text).
 */
export function parseKeyFile(content: Buffer | string): { key: Buffer; keyId: Buffer } {
  if (Buffer.isBuffer(content) && content.length === KEY_LENGTH) {
    const key = Buffer.from(content);
    return { key, keyId: keyIdOf(key) };
  }
  const text = Buffer.isBuffer(content) ? content.toString('utf8') : content;
  if (text.includes(`${KIT_MARKER}:`) || /^key:/m.test(text)) return parseRecoveryKit(text);
  const key = decodeKeyText(text.trim());
  if (!key) {
    throw new ValidationError(
      'key file is not a Keepwatch recovery kit, 64 hex characters, base64 of 32 bytes or exactly 32 raw bytes',
    );
  }
  return { key, keyId: keyIdOf(key) };
}

function parseRecoveryKit(text: string): { key: Buffer; keyId: Buffer } {
  const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(\\S*)[ \\t]*$`, 'm').exec(text)?.[1];
  const encoded = field('key');
  const key = encoded === undefined ? undefined : decodeKeyText(encoded);
  if (!key) throw new ValidationError('recovery kit has no valid "key:" line (base64 of 32 bytes expected)');
  const keyId = keyIdOf(key);
  const statedId = field('key-id');
  // A kit whose key no longer matches its own id was damaged (or edited): refuse rather
  // than decrypt with a key nobody vouches for.
  if (statedId !== undefined && statedId.toLowerCase() !== keyId.toString('hex')) {
    throw new ValidationError('recovery kit is damaged: its key does not match its key-id line');
  }
  return { key, keyId };
}

function decodeKeyText(text: string): Buffer | undefined {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (key.length === KEY_LENGTH) return key;
  }
  return undefined;
}

/**
 * The master key that encrypts stored credentials (see SecretBox).
 *
 * - `envValue` (KEEPWATCH_SECRET), when set: 64 hex characters or base64 of 32 bytes are used
 *   as the key itself; anything else of at least 16 characters is a passphrase stretched with
 *   scrypt (N=2^15, r=8, p=1, fixed salt "keepwatch-master-key-v1", 32 bytes). The salt is
 *   fixed because the same passphrase must give the same key on every start and every host.
 * - otherwise the key file (64 hex characters) is read, or created on first start with mode
 *   0600. A key file that group or others can access is refused: it would expose every
 *   stored credential.
 */
export async function loadOrCreateMasterKey(opts: { envValue?: string; keyFilePath: string }): Promise<Buffer> {
  const envValue = opts.envValue?.trim();
  if (envValue) return masterKeyFromSecret(envValue);

  const existing = await readMasterKeyFile(opts.keyFilePath);
  if (existing) return existing;
  return createMasterKeyFile(opts.keyFilePath);
}

async function masterKeyFromSecret(secret: string): Promise<Buffer> {
  const direct = decodeKeyText(secret);
  if (direct) return direct;
  if (secret.length < PASSPHRASE_MIN_LENGTH) {
    throw new ValidationError(
      `KEEPWATCH_SECRET is too short: use 64 hex characters, base64 of 32 bytes, or a passphrase of at least ${PASSPHRASE_MIN_LENGTH} characters`,
    );
  }
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), PASSPHRASE_SALT, KEY_LENGTH, SCRYPT_PARAMS, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

async function readMasterKeyFile(path: string): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  assertPrivateMode(path, mode);
  const key = decodeKeyText((await readFile(path, 'utf8')).trim());
  if (!key) throw new ValidationError(`master key file ${path} is damaged: expected 64 hex characters`);
  return key;
}

async function createMasterKeyFile(path: string): Promise<Buffer> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_LENGTH);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(`${key.toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() fails when the name exists, so two processes starting together cannot overwrite
    // each other's key: the loser reads the winner's file.
    await link(tmp, path);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) {
      await unlink(tmp);
      const winner = await readMasterKeyFile(path);
      if (winner) return winner;
      throw err;
    }
    // Some filesystems have no hard links; rename is still atomic there.
    await rename(tmp, path);
    await fsyncDir(dirname(path));
    return key;
  }
  await unlink(tmp);
  await fsyncDir(dirname(path));
  return key;
}

function assertPrivateMode(path: string, mode: number): void {
  if (process.platform === 'win32') return; // POSIX modes mean nothing there
  if ((mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ValidationError(
      `master key file ${path} is accessible by group or others (mode ${shown}); run: chmod 600 ${path}`,
    );
  }
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: not every platform can fsync a directory.
  }
}

function assertKey(key: Buffer, what: string): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_LENGTH) {
    throw new ValidationError(`${what} must be ${KEY_LENGTH} bytes`);
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
