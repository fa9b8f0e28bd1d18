import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENCRYPTION_KEY_FILE, loadOrCreateEncryptionKey } from './encryption-key.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateEncryptionKey', () => {
  it('creates a private 32-byte key once and returns the same one afterwards', () => {
    const dir = join(freshDir(), 'nested', 'data');
    const first = loadOrCreateEncryptionKey(dir);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(statSync(join(dir, ENCRYPTION_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateEncryptionKey(dir)).toBe(first);
    expect(loadOrCreateEncryptionKey(freshDir())).not.toBe(first);
  });

  it('refuses a damaged key file instead of replacing it (stored tokens would become unreadable)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, ENCRYPTION_KEY_FILE), 'too-short');
    expect(() => loadOrCreateEncryptionKey(dir)).toThrow(/32-byte/);
    expect(readFileSync(join(dir, ENCRYPTION_KEY_FILE), 'utf8')).toBe('too-short');
  });
});
