/**
 * Parses ENCRYPTION_KEY: exactly 32 bytes, written either as 64 hex digits or as base64.
 * Hex is tried first because a 64-hex string is also valid base64 (of 48 bytes), and a
 * wrong-length key must fail loudly instead of being silently truncated.
 */
export function parseEncryptionKey(value: string): Buffer {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32) return bytes;
    throw new Error(`must decode to 32 bytes, got ${bytes.length} (generate one with: openssl rand -base64 32)`);
  }
  throw new Error('must be 32 bytes as base64 or 64 hex digits (generate one with: openssl rand -base64 32)');
}
