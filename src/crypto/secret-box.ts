/**
 * Seals small values (source and destination credentials) for storage in the database.
 *
 * Format: "v1:<base64 nonce>:<base64 ciphertext || tag>", AES-256-GCM with a random 96-bit
 * nonce and JSON inside. The version prefix is also the AAD, so a value cannot be replayed
 * under another format version. Random nonces are safe here: credentials are sealed a few
 * thousand times per key, far below the 2^32 limit for random GCM nonces.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { IntegrityError, ValidationError } from '../core/errors.js';

const VERSION = 'v1';
const AAD = Buffer.from(`keepwatch-secret-${VERSION}`, 'ascii');
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const UNREADABLE = 'stored secret cannot be decrypted: wrong KEEPWATCH_SECRET or corrupted value';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class SecretBox {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (!Buffer.isBuffer(masterKey) || masterKey.length !== 32) {
      throw new ValidationError('master key must be 32 bytes');
    }
    // A subkey of its own, so the master key is never used directly by two different schemes.
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'keepwatch-secret-box-v1', 32));
  }

  seal(value: unknown): string {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new ValidationError('cannot seal a value that has no JSON form');
    const nonce = randomBytes(NONCE_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(AAD);
    const sealed = Buffer.concat([cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}:${nonce.toString('base64')}:${sealed.toString('base64')}`;
  }

  open<T = unknown>(sealed: string): T {
    if (typeof sealed !== 'string') throw new IntegrityError(UNREADABLE);
    const parts = sealed.split(':');
    if (parts.length === 3 && parts[0] !== VERSION && /^v\d+$/.test(parts[0] ?? '')) {
      throw new IntegrityError(`stored secret uses unknown format ${parts[0]} (this version reads ${VERSION})`);
    }
    const [version, nonceText, bodyText] = parts;
    if (parts.length !== 3 || version !== VERSION || !BASE64.test(nonceText ?? '') || !BASE64.test(bodyText ?? '')) {
      throw new IntegrityError(UNREADABLE);
    }
    const nonce = Buffer.from(nonceText ?? '', 'base64');
    const body = Buffer.from(bodyText ?? '', 'base64');
    if (nonce.length !== NONCE_LENGTH || body.length < TAG_LENGTH) throw new IntegrityError(UNREADABLE);

    let json: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_LENGTH });
      decipher.setAAD(AAD);
      decipher.setAuthTag(body.subarray(body.length - TAG_LENGTH));
      json = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_LENGTH)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new IntegrityError(UNREADABLE);
    }
    return JSON.parse(json) as T;
  }
}
