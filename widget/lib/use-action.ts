import { useCallback, useRef, useState } from 'preact/hooks';

export type Action = {
  /** True while `run`'s work is in flight. */
  busy: boolean;
  /** What the last run threw (null after a success or before any run). */
  error: unknown;
  /**
   * Runs `work` unless a run is already in flight (a second click in the same frame would still see `busy` false:
   * the ref decides). Resolves with the work's value, or undefined when it threw or did not run.
   */
  run<T>(work: () => Promise<T>): Promise<T | undefined>;
  setError(error: unknown): void;
};

/** The busy flag, the error and the single-flight guard every button that calls the proxy needs. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef(false);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
