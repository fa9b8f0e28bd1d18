/**
 * Fault injection for resilience tests. `emu.faults` is this object; change it at any time.
 * Random decisions come from the emulator's seeded RNG, so a run is reproducible.
 */
export interface Faults {
  /** Share (0..1) of webhook notifications never sent at all (as if lost). */
  dropWebhookRatio?: number;
  /** Share (0..1) of delivered notifications sent a second time with the SAME requestId. */
  duplicateWebhookRatio?: number;
  /** Hold notifications for `reorderWindowMs` and send them in shuffled order. */
  reorderWebhooks?: boolean;
  /** Default 25 ms. */
  reorderWindowMs?: number;
  /** The next `count` API requests fail with `status` (503 → code 1074, 500 → 1000, 429 → 1049). */
  failNextRequests?: { count: number; status: number };
  /** Extra delay before every API request is handled (lets tests overlap requests). */
  latencyMs?: number;
  /**
   * Called before an API request is handled (after auth and limits), with its method and path below
   * `/api/remap/1.2`: a test acts at an exact point of a client's reads (e.g. a till sale made between two lists of
   * one pass) instead of hoping for a timing.
   */
  beforeRequest?: (request: { method: string; path: string; query: Record<string, unknown> }) => void;
}
