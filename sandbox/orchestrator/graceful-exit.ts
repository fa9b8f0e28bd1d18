/**
 * Stops the sandbox once on Ctrl+C / SIGTERM. `npm start` runs npm → sh → tsx → node, and one Ctrl+C reaches
 * node several times (the terminal signals the whole process group and tsx relays it again), so signals
 * arriving within `burstMs` of the first count as the same request. A later one is a deliberate second
 * Ctrl+C and exits at once; a stop that hangs is cut off after `forceAfterMs`.
 */
export function closeOnSignals(close: () => Promise<void>, options: { burstMs?: number; forceAfterMs?: number } = {}): void {
  const burstMs = options.burstMs ?? 1_000;
  let firstAt: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== null) {
      if (Date.now() - firstAt < burstMs) return;
      console.error('Second interrupt: exiting without waiting for the sandbox to stop.');
      process.exit(130);
    }
    firstAt = Date.now();
    console.log(`\n${signal}: stopping the sandbox…`);
    setTimeout(() => {
      console.error('The sandbox took too long to stop; exiting.');
      process.exit(1);
    }, options.forceAfterMs ?? 15_000).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('The sandbox did not stop cleanly:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
