/**
 * Iterates `source` while pulling up to `capacity` items ahead of the consumer: the import reads МойСклад pages
 * (11 requests / 3 s) while amoCRM writes of earlier pages are under way (7 requests / s), so it takes about as long
 * as the slower of the two services, not the sum of both. The buffer is bounded, so memory is too. An error of the
 * source reaches the consumer after the items read before it; a consumer that stops early stops the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, capacity: number): AsyncGenerator<T> {
  if (!(capacity >= 1)) throw new RangeError('readAhead: capacity must be at least 1');
  const iterator = source[Symbol.asyncIterator]();
  const buffer: IteratorResult<T>[] = [];
  let failure: { error: unknown } | null = null;
  let stopped = false;
  let finished = false;
  // Held in an object: TypeScript cannot see a callback assigned inside a Promise executor.
  const wake: { consumer: (() => void) | null; producer: (() => void) | null } = { consumer: null, producer: null };
  const notifyConsumer = () => {
    wake.consumer?.();
    wake.consumer = null;
  };
  const producer = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= capacity) {
          await new Promise<void>((resolve) => (wake.producer = resolve));
          continue;
        }
        const next = await iterator.next();
        buffer.push(next);
        notifyConsumer();
        if (next.done) {
          finished = true;
          return;
        }
      }
    } catch (error) {
      failure = { error };
      finished = true;
      notifyConsumer();
    }
  })();
  try {
    for (;;) {
      const next = buffer.shift();
      if (next === undefined) {
        if (failure) throw (failure as { error: unknown }).error;
        await new Promise<void>((resolve) => (wake.consumer = resolve));
        continue;
      }
      wake.producer?.();
      wake.producer = null;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    stopped = true;
    wake.producer?.();
    await producer;
    if (!finished) await iterator.return?.(undefined);
  }
}
