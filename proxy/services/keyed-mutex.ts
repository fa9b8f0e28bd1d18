/**
 * Serialises async work per key inside this process (e.g. two redeems for one buyer with different
 * idempotency keys must not both pass the balance check). Across processes МойСклад is the last line
 * of defence; whether it refuses an overspend is unconfirmed (moysklad-api.md §4.5).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
