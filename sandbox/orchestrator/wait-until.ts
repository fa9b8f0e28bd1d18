/** Thrown from a check to stop polling at once (the awaited state can no longer be reached). */
export class GiveUpWaiting extends Error {
  override name = 'GiveUpWaiting';
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, or throws after `timeoutMs` with
 * `what` and the last error seen (so a timeout explains itself instead of saying only "timed out").
 */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof GiveUpWaiting) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
