import { z } from 'zod';

/**
 * Opaque page cursors of the read model's newest-first lists (purchases, bonus operations): the (moment, id) of the
 * last row shown, base64url-encoded. One format for every list, so a client never needs to know which it pages.
 */
const cursorShape = z.tuple([z.number().int(), z.string().min(1)]);

export function encodePageCursor(momentMs: number, id: string): string {
  return Buffer.from(JSON.stringify([momentMs, id])).toString('base64url');
}

/** The (moment, id) a cursor stands for, or null for anything this module did not produce. */
export function decodePageCursor(cursor: string): [number, string] | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
