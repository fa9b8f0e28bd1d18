import { createHash } from 'node:crypto';

/**
 * The digest of a payload we write to amoCRM, kept in `links.written_hash`. The same digest next time means the
 * write would change nothing, so it is skipped: amoCRM's 7 requests a second are the sync's scarcest resource.
 * Payloads are built by our mapping code in a fixed key order, so `JSON.stringify` is a stable form.
 */
export function writtenHash(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('base64url').slice(0, 22);
}
