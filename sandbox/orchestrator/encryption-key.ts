import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENCRYPTION_KEY_FILE = 'sandbox-encryption.key';

/**
 * The sandbox proxy's ENCRYPTION_KEY: generated once (32 random bytes, base64) and kept in `dataDir`, readable
 * by the owner only, so tokens stored by an earlier run stay readable and nobody has to configure anything.
 * The key never leaves this file and the proxy's memory (it is not printed).
 */
export function loadOrCreateEncryptionKey(dataDir: string): string {
  const path = join(dataDir, ENCRYPTION_KEY_FILE);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (Buffer.from(stored, 'base64').length === 32) return stored;
    throw new Error(`${path} does not hold a 32-byte base64 key: delete it to get a new one`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  // `wx`: if two sandboxes start at once, the second fails here instead of overwriting the first one's key.
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
