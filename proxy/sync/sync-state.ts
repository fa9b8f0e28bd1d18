import { z } from 'zod';
import type { SyncCursorsRepository } from '../db/repositories/sync-cursors.js';

/**
 * Bookkeeping rows of the sync in sync_cursors (the widget's status page reads the same rows; see
 * proxy/services/adapters/jobs-adapter.ts for the import-progress and mode streams).
 */
export const STREAMS = {
  importProgress: 'initial_import',
  mode: 'sync_mode',
  connected: 'sync_connected',
  importCursor: (type: string) => `import:${type}`,
  reconcileCursor: (type: string) => `reconcile:${type}`,
  auditCursor: (type: string) => `audit:${type}`,
} as const;

export type ImportState = { state: 'idle' | 'running' | 'done' | 'failed'; done: number; total: number };
const connectedSchema = z.object({ at: z.number(), mode: z.enum(['webhooks', 'polling']), error: z.string().nullable().default(null) });
export type ConnectedMarker = z.infer<typeof connectedSchema>;

export class SyncState {
  constructor(private readonly cursors: SyncCursorsRepository) {}

  async importProgress(accountId: number, progress: ImportState): Promise<void> {
    await this.cursors.save(accountId, STREAMS.importProgress, JSON.stringify(progress));
  }

  async importDone(accountId: number): Promise<boolean> {
    const text = await this.cursors.get(accountId, STREAMS.importProgress);
    return text !== null && (JSON.parse(text) as { state?: string }).state === 'done';
  }

  async setMode(accountId: number, mode: 'webhooks' | 'polling'): Promise<void> {
    await this.cursors.save(accountId, STREAMS.mode, JSON.stringify({ mode }));
  }

  async connected(accountId: number): Promise<ConnectedMarker | null> {
    const text = await this.cursors.get(accountId, STREAMS.connected);
    if (!text) return null;
    const parsed = connectedSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  async markConnected(accountId: number, marker: ConnectedMarker): Promise<void> {
    await this.cursors.save(accountId, STREAMS.connected, JSON.stringify(marker));
  }

  cursor(accountId: number, stream: string): Promise<string | null> {
    return this.cursors.get(accountId, stream);
  }

  saveCursor(accountId: number, stream: string, value: string): Promise<void> {
    return this.cursors.save(accountId, stream, value);
  }
}
