import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type LoadState<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: unknown };

/**
 * Runs `load` on mount and on `reload()`. Answers of superseded runs and answers arriving after
 * unmount are dropped, so a slow first request cannot overwrite a newer one.
 */
export type Reload = (options?: { quiet?: boolean }) => void;

/**
 * `reload({ quiet: true })` keeps showing the current data until the new answer arrives, so a
 * refresh after an action does not unmount the component that shows the action's result.
 */
export function useLoad<T>(load: () => Promise<T>): [LoadState<T>, Reload, (data: T) => void] {
  const [result, setResult] = useState<LoadState<T>>({ state: 'loading' });
  const runId = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback<Reload>((options) => {
    const id = ++runId.current;
    if (!options?.quiet) setResult({ state: 'loading' });
    loadRef.current().then(
      (data) => {
        if (id === runId.current) setResult({ state: 'ready', data });
      },
      (error: unknown) => {
        if (id === runId.current) setResult({ state: 'error', error });
      },
    );
  }, []);

  useEffect(() => {
    run();
    return () => {
      runId.current += 1;
    };
  }, [run]);

  const replace = useCallback((data: T) => setResult({ state: 'ready', data }), []);
  return [result, run, replace];
}
