import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEncryptionKey } from './encryption-key.js';
import { DecryptionError, createSecretBox } from './secret-box.js';

const box = createSecretBox(randomBytes(32));
const context = 'accounts:1:moysklad_token_enc';

function flipFirstByteOfPart(blob: string, part: number): string {
  const parts = blob.split(':');
  const bytes = Buffer.from(parts[part]!, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64');
  return parts.join(':');
}

describe('secret box (AES-256-GCM)', () => {
  it('round-trips unicode text and never repeats a ciphertext', () => {
    const secret = 'токен-МойСклад-🔑';
    const a = box.encrypt(secret, context);
    const b = box.encrypt(secret, context);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b); // fresh IV each time
    expect(a).not.toContain(secret);
    expect(box.decrypt(a, context)).toBe(secret);
    expect(box.decrypt(b, context)).toBe(secret);
  });

  it.each([
    ['iv', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('rejects a blob whose %s was altered', (_name, part) => {
    const blob = box.encrypt('secret', context);
    expect(() => box.decrypt(flipFirstByteOfPart(blob, part), context)).toThrow(DecryptionError);
  });

  it('rejects a blob moved to another row or column, or read with another key', () => {
    const blob = box.encrypt('secret', context);
    expect(() => box.decrypt(blob, 'accounts:2:moysklad_token_enc')).toThrow(DecryptionError);
    expect(() => createSecretBox(randomBytes(32)).decrypt(blob, context)).toThrow(/authentication failed/);
    expect(() => box.decrypt('v2:a:b:c', context)).toThrow(/unknown format/);
    expect(() => box.decrypt('plaintext', context)).toThrow(DecryptionError);
  });
});

describe('parseEncryptionKey', () => {
  it('accepts 32 bytes as base64, base64url or hex', () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString('hex')).equals(key)).toBe(true);
  });

  it('rejects other lengths and garbage', () => {
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes, got 16/);
    expect(() => parseEncryptionKey('not a key!')).toThrow(/32 bytes/);
  });
});
