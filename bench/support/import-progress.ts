import type { ImportProgress } from '../../sandbox/orchestrator/stack.js';

/** A progress line at most every 15 s while the bench waits for an import (a full-size import takes minutes). */
export function importProgressLog(log: (message: string) => void): ImportProgress {
  let lastLog = 0;
  return (progress, status) => {
    if (Date.now() - lastLog < 15_000) return;
    lastLog = Date.now();
    log(`import ${progress.state} ${progress.done}/${progress.total}, queue ${JSON.stringify(status.queue)}`);
  };
}
