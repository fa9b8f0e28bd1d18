import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest. A value is stored as `v1:<iv>:<tag>:<ciphertext>` (base64 parts).
 *
 * Every value gets a fresh random 12-byte IV. The associated data (`context`) binds a ciphertext to the
 * place it belongs (e.g. `accounts:123:amo_access_token`), so a blob copied into another row or column
 * fails to decrypt instead of handing one account's token to another.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(reason: string) {
    // The message never contains the blob or the key: only why it was rejected.
    super(`cannot decrypt secret: ${reason}`);
    this.name = 'DecryptionError';
  }
}

export interface SecretBox {
  encrypt(plaintext: string, context: string): string;
  decrypt(blob: string, context: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
    },
    decrypt(blob, context) {
      const parts = blob.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError('unknown format');
      const [, ivPart, tagPart, dataPart] = parts as [string, string, string, string];
      const iv = Buffer.from(ivPart, 'base64');
      const tag = Buffer.from(tagPart, 'base64');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('malformed iv or tag');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('authentication failed (tampered, wrong key or wrong context)');
      }
    },
  };
}
