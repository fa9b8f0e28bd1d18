/**
 * Work a service starts detached from the request that caused it (an install-code exchange, a webhook removal),
 * tracked so that tests and a graceful shutdown can wait for it. The work must handle its own errors.
 */
export class BackgroundTasks {
  private readonly pending = new Set<Promise<void>>();

  get size(): number {
    return this.pending.size;
  }

  track(work: Promise<void>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once nothing is pending, including work started while waiting. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
