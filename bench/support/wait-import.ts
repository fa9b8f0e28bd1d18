import type { Stack } from './stack.js';

/** Polls the widget's sync status until the first import is done and the queue is empty (or the deadline). */
export async function waitForImport(stack: Stack, options: { timeoutMs: number; log?: (m: string) => void; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastLog = 0;
  for (;;) {
    const status = await stack.api().syncStatus();
    if (status.import.state === 'failed') throw new Error(`the import failed: ${status.failedJobs.map((j) => `${j.kind}: ${j.error}`).join('; ')}`);
    if (status.import.state === 'done' && status.queue.pending === 0 && status.queue.running === 0) return;
    if (Date.now() > deadline) throw new Error(`the import did not finish in ${options.timeoutMs} ms (${status.import.done}/${status.import.total})`);
    if (options.log && Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      options.log(`import ${status.import.state} ${status.import.done}/${status.import.total}, queue ${JSON.stringify(status.queue)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
